# Interface — français (langue par défaut)
skip-to-content = Aller au contenu
main-nav = Navigation principale
language = Langue
sign-in = Se connecter
sign-out = Se déconnecter
sign-in-staff = Connexion des agents
sign-in-portal = Connexion à votre espace
email = Adresse e-mail
password = Mot de passe
new-password = Nouveau mot de passe
new-password-hint = Au moins { $min } caractères. Une phrase de plusieurs mots est plus facile à retenir.
current-password = Mot de passe actuel
confirm-password = Confirmez le nouveau mot de passe
forgot-password = Mot de passe oublié ?
save = Enregistrer
create = Créer
cancel = Annuler
back-office = Espace agents
administration = Administration
my-account = Mon compte
home = Accueil
footer-powered = Propulsé par Relais, logiciel libre.
required = obligatoire
yes = Oui
no = Non
actions = Actions
form-has-errors = { $count ->
    [one] Le formulaire contient une erreur.
   *[other] Le formulaire contient { $count } erreurs.
}
welcome-public = Bienvenue sur le portail des démarches de { $tenant }
welcome-private = Bienvenue sur l'espace client de { $tenant }
welcome-intro-public = Faites vos démarches en ligne, suivez vos demandes et échangez avec les services.
welcome-intro-private = Suivez vos demandes, échangez avec nos conseillers et retrouvez vos documents.
portal-signed-in = Vous êtes connecté·e en tant que { $name }.
staff-access = Accès agents
backoffice-title = Tableau de bord
backoffice-hello = Bonjour { $name }.
backoffice-role = Votre rôle : { $role }.
backoffice-teams = Vos équipes : { $teams }.
backoffice-no-team = Vous n'appartenez à aucune équipe.
backoffice-empty = Aucun dossier pour l'instant.

# Rôles
role-admin = Administrateur
role-supervisor = Superviseur
role-agent = Agent
role-viewer = Lecteur
role-admin-desc = Tout : paramètres, comptes, équipes, journal d'audit, et le travail des agents.
role-supervisor-desc = Traite les dossiers, gère les équipes et consulte le journal d'audit.
role-agent-desc = Traite les dossiers qui lui sont accessibles.
role-viewer-desc = Consulte sans rien modifier.
perm-use-back-office = Accéder à l'espace agents
perm-write = Modifier des dossiers et des fiches
perm-manage-tenant = Paramètres de l'organisation
perm-manage-staff = Comptes des agents
perm-manage-teams = Équipes
perm-read-audit = Journal d'audit
perm-manage-catalogue = Catalogue des démarches

# Connexion et sécurité
login-failed = Adresse e-mail ou mot de passe incorrect.
login-locked = Trop d'essais infructueux : ce compte est bloqué pendant { $minutes } minutes. Vous pouvez réinitialiser votre mot de passe.
rate-limited = Trop de tentatives depuis votre connexion. Réessayez dans une minute.
signed-out = Vous êtes déconnecté·e.
totp-title = Vérification en deux étapes
totp-code = Code à 6 chiffres de votre application d'authentification
totp-invalid = Ce code n'est pas valide ou a déjà servi. Saisissez le code affiché maintenant.
totp-setup-title = Activer la vérification en deux étapes
totp-setup-intro = Scannez ce QR code avec une application d'authentification (par exemple FreeOTP, Aegis ou Google Authenticator), puis saisissez le code qu'elle affiche.
totp-secret-manual = Ou saisissez cette clé à la main :
totp-required = Votre organisation exige la vérification en deux étapes. Activez-la pour continuer.
totp-enabled = La vérification en deux étapes est active.
totp-disabled = La vérification en deux étapes n'est pas active.
totp-enable = Activer
totp-disable = Désactiver la vérification en deux étapes
totp-now-enabled = La vérification en deux étapes est activée.
totp-now-disabled = La vérification en deux étapes est désactivée.
totp-cannot-disable = Votre organisation exige la vérification en deux étapes : vous ne pouvez pas la désactiver.
forgot-title = Mot de passe oublié
forgot-intro = Indiquez l'adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe. Le lien est valable { $minutes } minutes et ne sert qu'une fois.
forgot-send = Envoyer le lien
forgot-sent = Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé. Pensez à vérifier vos courriers indésirables.
reset-title = Choisir un nouveau mot de passe
reset-invalid = Ce lien n'est plus valable : il a déjà servi ou il a expiré. Demandez un nouveau lien.
reset-done = Votre mot de passe a été changé. Vous pouvez vous connecter.
reset-mail-subject = Réinitialisation de votre mot de passe — { $tenant }
reset-mail-body = Bonjour,

    Une réinitialisation du mot de passe de votre compte { $tenant } a été demandée.
    Pour choisir un nouveau mot de passe, ouvrez ce lien (valable { $minutes } minutes, utilisable une seule fois) :

    { $link }

    Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.
password-changed = Votre mot de passe a été changé. Vos autres sessions ont été fermées.
password-wrong = Le mot de passe actuel est incorrect.
account-title = Mon compte
account-language = Langue de l'interface
account-security = Sécurité
account-change-password = Changer de mot de passe
account-saved = Vos préférences sont enregistrées.
api-tokens = Jetons d'API
api-tokens-intro = Un jeton permet à un programme d'utiliser l'API en votre nom, avec vos droits. Il n'est affiché qu'une fois : copiez-le maintenant.
api-token-name = Nom du jeton
api-token-create = Créer un jeton
api-token-created = Voici votre nouveau jeton. Copiez-le : il ne sera plus affiché.
api-token-revoke = Révoquer
api-token-revoked = Le jeton a été révoqué.
api-token-none = Aucun jeton.
api-token-last-used = Dernière utilisation
api-token-never = jamais
api-token-status-revoked = révoqué le { $date }
created-at = Créé le

# Erreurs
error-title = Erreur
error-not-found = Cette page n'existe pas ou vous n'y avez pas accès.
error-forbidden = Vous n'avez pas le droit de faire cela.
error-csrf = Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.
error-too-large = Les données envoyées sont trop volumineuses.
error-unknown-site = Aucun espace ne correspond à cette adresse.
error-internal = Une erreur est survenue de notre côté. Réessayez dans un instant ; si elle persiste, contactez l'administrateur.
error-method = Cette action n'est pas possible ici.
error-sign-in-needed = Connectez-vous pour accéder à cette page.
error-back-home = Retour à l'accueil
error-bad-request = La demande est incomplète ou mal formée.
error-conflict = Cet élément existe déjà.
error-last-admin = Impossible : l'organisation doit garder au moins un administrateur actif.

# Validation
invalid-email = Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.
password-too-short = Le mot de passe doit compter au moins 12 caractères.
password-too-long = Le mot de passe doit compter au plus 256 caractères.
password-mismatch = Les deux mots de passe ne sont pas identiques.
invalid-display-name = Saisissez un nom (120 caractères au plus).
invalid-team-name = Saisissez un nom d'équipe (80 caractères au plus).
invalid-role = Choisissez un rôle dans la liste.
invalid-tenant-name = Le nom doit compter de 2 à 120 caractères.
invalid-time-zone = Saisissez un fuseau horaire comme Europe/Paris.
invalid-locale = Choisissez le français ou l'anglais.
invalid-colour = Saisissez une couleur au format #rrggbb, par exemple #1f4e8c.
colour-contrast-too-low = Cette couleur est trop claire : le texte blanc posé dessus ne serait pas lisible (contraste inférieur à 4,5:1). Choisissez une couleur plus foncée.
invalid-logo = Le logo doit être une image PNG ou JPEG de 200 Ko au plus.
invalid-token-name = Saisissez un nom de 1 à 80 caractères.
email-taken = Un compte utilise déjà cette adresse e-mail.
team-taken = Une équipe porte déjà ce nom.
invalid-member = Un des membres choisis n'est pas un agent de cette organisation.

# Administration
admin-settings = Paramètres
admin-staff = Agents
admin-teams = Équipes
admin-roles = Rôles
admin-audit = Journal d'audit
settings-title = Paramètres de l'organisation
settings-saved = Les paramètres sont enregistrés.
tenant-name = Nom de l'organisation
tenant-kind = Type
tenant-kind-public = Collectivité ou administration (usagers)
tenant-kind-private = Entreprise (clients)
default-locale = Langue par défaut
time-zone = Fuseau horaire
primary-colour = Couleur principale
primary-colour-hint = Format #rrggbb. Elle doit rester lisible sous du texte blanc (contraste d'au moins 4,5:1).
contact-email = Adresse de contact
require-totp = Exiger la vérification en deux étapes pour tous les agents
logo = Logo
logo-hint = PNG ou JPEG, 200 Ko au plus.
logo-upload = Envoyer le logo
logo-saved = Le logo est enregistré.
hosts = Adresses du site
staff-title = Agents
staff-create = Ajouter un agent
staff-created = Le compte de { $name } est créé. Un lien pour choisir son mot de passe lui a été envoyé.
staff-edit = Modifier
staff-saved = Le compte est enregistré.
staff-send-reset = Envoyer un lien de réinitialisation du mot de passe
staff-reset-sent = Un lien de réinitialisation a été envoyé.
display-name = Nom
role = Rôle
teams = Équipes
status = État
active = actif
disabled = désactivé
locked = bloqué
account-disabled = Compte désactivé
two-factor = Double authentification
teams-title = Équipes
team-name = Nom de l'équipe
team-create = Créer l'équipe
team-created = L'équipe est créée.
team-members = Membres
team-saved = L'équipe est enregistrée.
team-delete = Supprimer l'équipe
team-deleted = L'équipe est supprimée.
team-members-count = { $count ->
    [0] aucun membre
    [one] 1 membre
   *[other] { $count } membres
}
roles-title = Rôles et droits
roles-intro = Les rôles sont fixes ; chaque agent en a un. Ce tableau indique ce que chacun permet.
audit-title = Journal d'audit
audit-intro = Chaque modification et chaque consultation de données personnelles par un agent est enregistrée ici. Le journal ne peut être ni modifié ni effacé.
audit-when = Date
audit-actor = Auteur
audit-action = Action
audit-target = Élément
audit-details = Détails
audit-ip = Adresse IP
audit-filter = Filtrer
audit-all-actions = Toutes les actions
audit-from = Du
audit-until = Au
audit-none = Aucun enregistrement ne correspond.
audit-older = Plus anciens

# Administration (pages)
admin-nav = Rubriques de l'administration
logo-current = Logo actuel
logo-none = Aucun logo pour l'instant.
staff-invited = Le compte est créé. Un lien pour choisir son mot de passe a été envoyé à la personne.
staff-create-intro = Le compte est créé sans mot de passe : la personne reçoit par e-mail un lien pour choisir le sien.
staff-edit-title = Compte de { $name }
staff-back = Retour à la liste des agents
teams-none = Aucune équipe pour l'instant.
team-edit-title = Équipe { $name }
team-delete-hint = Les membres restent des agents de l'organisation ; seule l'équipe disparaît.
teams-back = Retour à la liste des équipes
roles-table = Droits de chaque rôle
roles-permission = Droit
audit-all-actors = Tous les auteurs
audit-target-id = Identifiant de l'élément
audit-pages = Pages du journal
audit-newest = Plus récents
audit-bad-action = Choisissez une action dans la liste.
audit-bad-actor = Choisissez un auteur dans la liste.
audit-bad-target = L'identifiant doit compter 200 caractères au plus, sans caractère de contrôle.
invalid-date = Saisissez une date au format AAAA-MM-JJ, par exemple 2026-03-31.
audit-bad-range = La date de fin doit être postérieure ou égale à la date de début.
audit-bad-cursor = Le lien vers les pages plus anciennes n'est pas valide. Relancez le filtre.
invalid-team = Une des équipes choisies n'existe pas dans cette organisation.

# Catalogue des démarches (administration)
admin-catalogue = Catalogue
catalogue-title = Catalogue des démarches
catalogue-services = Démarches du catalogue
catalogue-none = Aucune démarche pour l'instant.
catalogue-create = Créer une démarche
catalogue-create-intro = La démarche commence avec une définition minimale (une page, un champ, un circuit de traitement et un niveau de service) publiable tout de suite ; construisez ensuite son formulaire et ses règles.
catalogue-created = La démarche est créée en brouillon.
catalogue-saved = La démarche est enregistrée.
catalogue-published = La version est publiée : les nouvelles demandes sont déposées sous cette version.
catalogue-archived = La démarche est archivée : elle n'apparaît plus au catalogue.
catalogue-imported = La définition est importée comme brouillon.
catalogue-draft-saved = Le brouillon est enregistré.
catalogue-draft-unreadable = La définition de cette version n'est pas lisible par l'éditeur. Importez une définition valide depuis la page de la démarche.
catalogue-back = Retour au catalogue
catalogue-service-title = Démarche
catalogue-category = Catégorie
catalogue-category-hint = Par exemple : état civil, voirie, facturation.
catalogue-audience = Public
catalogue-audience-hint = À qui s'adresse la démarche, par exemple : particuliers, entreprises, associations.
catalogue-state = État
catalogue-state-draft = brouillon
catalogue-state-published = publiée
catalogue-state-archived = archivée
catalogue-published-version = Version publiée
catalogue-draft-version = Version en brouillon
catalogue-slug = Nom court (dans les adresses)
catalogue-slug-hint = Lettres minuscules, chiffres et tirets, par exemple acte-de-naissance.
catalogue-title-fr = Titre en français
catalogue-title-en = Titre en anglais
catalogue-description-fr = Description en français
catalogue-description-en = Description en anglais
catalogue-channels = Canaux
catalogue-channel-portal = Portail en ligne
catalogue-channel-email = Courriel
catalogue-channel-phone = Téléphone
catalogue-channel-counter = Guichet
catalogue-channel-letter = Courrier
catalogue-channel-chat = Messagerie instantanée
catalogue-channel-open311 = Open311
catalogue-who = Qui peut déposer une demande
catalogue-who-anyone = Tout le monde
catalogue-who-signed_in = Les personnes connectées
catalogue-who-organisations = Les organisations
catalogue-invalid-slug = Saisissez de 2 à 64 lettres minuscules, chiffres et tirets simples, en commençant par une lettre.
catalogue-slug-taken = Une autre démarche a déjà ce nom court.
catalogue-invalid-title = Saisissez un titre de 1 à 200 caractères.
catalogue-invalid-title-en = Le titre en anglais doit faire 200 caractères au plus.
catalogue-invalid-description = La description doit faire 5000 caractères au plus.
catalogue-invalid-category = Saisissez une catégorie de 1 à 80 caractères.
catalogue-invalid-audience = Le public doit faire 80 caractères au plus.
catalogue-invalid-channels = Choisissez au moins un canal dans la liste.
catalogue-invalid-who = Choisissez qui peut déposer une demande.
catalogue-tabs = Rubriques de la démarche
catalogue-tab-overview = Vue d'ensemble
catalogue-tab-form = Formulaire
catalogue-tab-documents = Pièces
catalogue-tab-workflow = Circuit de traitement
catalogue-tab-sla = Niveaux de service
catalogue-none-yet = aucune pour l'instant
catalogue-no-draft-short = aucune
catalogue-no-draft = Il n'y a pas de brouillon à publier.
catalogue-no-draft-hint = Il n'y a pas de brouillon : l'éditeur ouvre une nouvelle version dès que vous modifiez le formulaire ou les règles.
catalogue-publish = Publier
catalogue-publish-ready = La version { $version } est complète et peut être publiée.
catalogue-publish-not-ready = La version { $version } ne peut pas encore être publiée :
catalogue-publish-version = Publier la version { $version }
catalogue-publish-refused = { $count ->
    [one] Rien n'a été publié : la définition comporte une erreur.
   *[other] Rien n'a été publié : la définition comporte { $count } erreurs.
}
catalogue-versions = Versions
catalogue-version = Version
catalogue-version-draft = brouillon
catalogue-version-published = publiée
catalogue-version-superseded = remplacée
catalogue-created-at = Créée le
catalogue-published-at = Publiée le
catalogue-export = Export
catalogue-export-version = Télécharger la version { $version } (JSON)
catalogue-export-current = Télécharger la définition en cours (JSON).
catalogue-import = Importer une définition
catalogue-import-intro = Une définition JSON (voir la documentation de son format) remplace le brouillon. Elle est d'abord vérifiée : à la moindre erreur, rien n'est enregistré.
catalogue-import-file = Fichier JSON
catalogue-import-text = Ou collez la définition
catalogue-import-submit = Importer
catalogue-import-empty = Choisissez un fichier ou collez une définition.
catalogue-import-too-large = La définition doit faire 1 Mo au plus.
catalogue-import-refused = { $count ->
    [one] Rien n'a été importé : la définition comporte une erreur.
   *[other] Rien n'a été importé : la définition comporte { $count } erreurs.
}
catalogue-meta = Description
catalogue-archive = Archiver la démarche
catalogue-archive-hint = La démarche quitte le catalogue ; ses versions et ses demandes sont conservées. Publier une version la remet au catalogue.
catalogue-checklist = Ce qu'il reste à faire
catalogue-checklist-ok = La définition est complète : elle peut être publiée.
catalogue-checklist-count = { $count ->
    [one] Il reste une erreur :
   *[other] Il reste { $count } erreurs :
}
catalogue-editing-draft = Vous modifiez le brouillon, version { $version }.
catalogue-editing-new = La version { $version } est publiée : vos modifications créent une nouvelle version en brouillon.
