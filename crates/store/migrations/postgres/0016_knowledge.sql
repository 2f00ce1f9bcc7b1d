-- Knowledge articles: public or internal, by category, published or draft; they feed the
-- portal's information pages. Bodies are in the small text format of
-- relais_domain::knowledge (rendered to escaped HTML by the application, never stored as HTML).
CREATE TABLE knowledge_articles (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    slug TEXT NOT NULL,
    category TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_fr TEXT NOT NULL,
    body_en TEXT NOT NULL,
    published_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, slug)
);
CREATE INDEX knowledge_articles_category ON knowledge_articles (tenant_id, visibility, category);

-- Services an article is shown on ("Good to know").
CREATE TABLE knowledge_article_services (
    tenant_id UUID NOT NULL,
    article_id UUID NOT NULL,
    service_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, article_id, service_id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES knowledge_articles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id)
);
CREATE INDEX knowledge_article_services_service ON knowledge_article_services (tenant_id, service_id);
