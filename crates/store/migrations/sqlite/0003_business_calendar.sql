-- The tenant's business calendar (opening hours per weekday, closures, public holidays) as
-- one JSON document validated by the domain crate; NULL means the default calendar.
ALTER TABLE tenants ADD COLUMN business_calendar TEXT;
