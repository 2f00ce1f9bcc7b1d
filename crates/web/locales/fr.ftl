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
perm-merge-persons = Fusionner des fiches en double
perm-manage-segments = Créer et modifier les segments
perm-manage-custom-fields = Champs personnalisés des fiches

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

# Calendrier
admin-calendar = Calendrier
calendar-title = Horaires et jours d'ouverture
calendar-intro = Les délais (premières réponses, traitements, échéances) se comptent en temps ouvré : pendant ces horaires, hors jours fériés et fermetures.
calendar-hours = Horaires d'ouverture
calendar-morning = Matin
calendar-afternoon = Après-midi
calendar-from = Du
calendar-to = Au
calendar-public-holidays = Fermé les jours fériés français
calendar-closures = Fermetures exceptionnelles
calendar-no-closure = Aucune fermeture exceptionnelle.
calendar-label = Motif
calendar-add-closure = Ajouter la fermeture
calendar-remove = Retirer
calendar-holidays = Jours fériés de cette année et de la suivante
calendar-saved = Le calendrier est enregistré.
calendar-incomplete-interval = Indiquez l'heure d'ouverture et l'heure de fermeture, ou laissez les deux vides.
calendar-invalid-time = Saisissez une heure au format HH:MM.
calendar-inverted = L'heure de fermeture doit suivre l'heure d'ouverture.
calendar-overlap = Les horaires du matin et de l'après-midi se chevauchent.
calendar-never-open = Le calendrier doit ouvrir au moins un jour par semaine.
calendar-closure-inverted = La fin de la fermeture doit suivre son début.
calendar-invalid-date = Saisissez une date valide.
calendar-label-required = Indiquez le motif de la fermeture (120 caractères au plus).
weekday-0 = Lundi
weekday-1 = Mardi
weekday-2 = Mercredi
weekday-3 = Jeudi
weekday-4 = Vendredi
weekday-5 = Samedi
weekday-6 = Dimanche

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
catalogue-changes = Modifications depuis la version publiée
catalogue-changes-intro = Ce que le brouillon change par rapport à la version publiée. Les changements marqués peuvent rendre invalides des réponses déjà saisies.
catalogue-change-affects-answers = peut invalider des réponses en cours
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

# Catalogue builder: form
catalogue-pages = Pages
catalogue-no-pages = Le formulaire n'a pas encore de page.
catalogue-no-fields = Cette page n'a pas encore de champ.
catalogue-page-n = Page { $n }
catalogue-fields-of = Champs de la page { $n }
catalogue-page-id = Identifiant de la page
catalogue-id-hint = Lettres minuscules, chiffres et _, en commençant par une lettre, par exemple date_naissance.
catalogue-add-page = Ajouter une page
catalogue-edit-page = Renommer, déplacer ou supprimer la page { $n }
catalogue-delete-page = Supprimer cette page et ses champs
catalogue-move-page-up = Monter la page
catalogue-move-page-down = Descendre la page
catalogue-add-field-to = Ajouter un champ à la page { $n }
catalogue-add-field = Ajouter le champ
catalogue-field-id = Identifiant du champ
catalogue-field-label = Libellé
catalogue-field-kind = Type
catalogue-field-kind-is = Type : { $kind }
catalogue-field-required = Réponse obligatoire
catalogue-field-title = Champ { $id }
catalogue-back-to-form = Retour au formulaire
catalogue-label-fr = Libellé en français
catalogue-label-en = Libellé en anglais
catalogue-help-fr = Aide en français
catalogue-help-en = Aide en anglais
catalogue-text-fr = Texte en français
catalogue-text-en = Texte en anglais
catalogue-show-if = Affiché si
catalogue-move-up = Monter
catalogue-move-down = Descendre
catalogue-delete = Supprimer
catalogue-kind-short_text = Texte court
catalogue-kind-long_text = Texte long
catalogue-kind-number = Nombre
catalogue-kind-date = Date
catalogue-kind-email = Adresse électronique
catalogue-kind-phone = Numéro de téléphone
catalogue-kind-postal_address = Adresse postale
catalogue-kind-single_choice = Choix unique
catalogue-kind-multiple_choice = Choix multiple
catalogue-kind-yes_no = Oui ou non
catalogue-kind-file = Fichier
catalogue-kind-group = Groupe répétable
catalogue-kind-explanation = Texte explicatif
catalogue-prefill = Prérempli depuis le profil de la personne
catalogue-prefill-none = Non prérempli
catalogue-prefill-given_name = Prénom
catalogue-prefill-family_name = Nom de famille
catalogue-prefill-email = Adresse électronique
catalogue-prefill-phone = Numéro de téléphone
catalogue-prefill-address = Adresse postale
catalogue-prefill-birth_date = Date de naissance
catalogue-max-length = Longueur maximale (caractères)
catalogue-empty-default = Laissez vide pour la valeur par défaut.
catalogue-empty-none = Laissez vide pour ne pas limiter.
catalogue-min = Minimum
catalogue-max = Maximum
catalogue-min-selections = Nombre minimal de choix
catalogue-max-selections = Nombre maximal de choix
catalogue-min-items = Nombre minimal de répétitions
catalogue-max-items = Nombre maximal de répétitions
catalogue-date-bound-hint = Une date AAAA-MM-JJ, ou un nombre de jours à partir du jour de la demande (-36500 pour il y a cent ans, +30 pour dans un mois). Laissez vide pour ne pas limiter.
catalogue-integer = Nombres entiers seulement
catalogue-options = Options
catalogue-options-hint = Une option par ligne : valeur | libellé français | libellé anglais. Le libellé anglais peut être omis.
catalogue-accept = Types de fichiers acceptés
catalogue-accept-hint = Types MIME séparés par des virgules, par exemple application/pdf, image/*.
catalogue-max-size = Taille maximale d'un fichier (octets)
catalogue-max-size-hint = Par exemple 10485760 pour 10 Mo.
catalogue-max-count = Nombre maximal de fichiers
catalogue-group-hint = Les champs demandés à chaque répétition (enfants, véhicules…). Un groupe ne peut pas contenir un autre groupe.
catalogue-sub-fields = Champs du groupe
catalogue-add-sub-field = Ajouter un champ au groupe
catalogue-back-to-group = Retour au groupe
catalogue-condition = Condition
catalogue-condition-hint = N'afficher ce champ que si une réponse précédente correspond.
catalogue-condition-field = Champ précédent
catalogue-condition-always = Toujours affiché
catalogue-condition-keep = Garder la condition importée :
catalogue-condition-op = Test
catalogue-op-equals = est égal à
catalogue-op-not-equals = est différent de
catalogue-op-is-answered = est renseigné
catalogue-op-in = est l'une des valeurs
catalogue-op-is-not-answered = n'est pas renseigné
catalogue-op-greater-than = est supérieur à (nombre, date)
catalogue-op-less-than = est inférieur à (nombre, date)
catalogue-condition-current = Condition actuelle :
catalogue-condition-combine = Affiché quand
catalogue-condition-all = tous ces tests sont vrais
catalogue-condition-any = l'un de ces tests est vrai
catalogue-condition-test-n = Test { $n }
catalogue-condition-no-test = Aucun test
catalogue-page-condition-hint = N'afficher cette page que si des réponses des pages précédentes correspondent.
catalogue-page-condition-link = Condition de la page { $n }
catalogue-invalid-comparison = « Supérieur à » et « inférieur à » ne s'appliquent qu'aux nombres et aux dates.
catalogue-condition-value = Valeur
catalogue-condition-value-hint = Pour un choix, la valeur de l'option ; pour oui ou non : oui ou non ; pour une date : AAAA-MM-JJ ; pour « est l'une des valeurs » : les valeurs séparées par | ; ignorée pour « est renseigné ».
catalogue-invalid-input = Ce texte est trop long ou contient des caractères de contrôle.
catalogue-invalid-kind = Choisissez un type dans la liste.
catalogue-invalid-number = Saisissez un nombre entier, ou laissez vide.
catalogue-invalid-date-bound = Saisissez une date AAAA-MM-JJ ou un nombre de jours comme -36500 ou +30.
catalogue-invalid-options = Écrivez une option par ligne : valeur | libellé français | libellé anglais.
catalogue-invalid-choice = Choisissez dans la liste.
catalogue-invalid-condition-field = Choisissez un champ placé avant celui-ci.
catalogue-invalid-condition-value = Cette valeur ne convient pas au champ testé (pour oui ou non : oui ou non ; pour un nombre : un nombre).

# Catalogue builder: rules
catalogue-documents = Pièces justificatives
catalogue-no-documents = La démarche ne demande aucune pièce.
catalogue-add-document = Ajouter une pièce
catalogue-document-id = Identifiant de la pièce
catalogue-document-kind = Type de pièce
catalogue-document-required = Obligatoire
catalogue-reuse = Depuis le coffre-fort
catalogue-reuse-hint = La personne peut réutiliser une pièce encore valide de son coffre-fort de documents
catalogue-max-age = Délivrée il y a au plus (jours)
catalogue-doc-identity = Pièce d'identité
catalogue-doc-proof_of_address = Justificatif de domicile
catalogue-doc-civil_status = Acte d'état civil
catalogue-doc-income = Justificatif de revenus
catalogue-doc-vehicle_registration = Certificat d'immatriculation
catalogue-doc-invoice = Facture
catalogue-doc-photo = Photo
catalogue-doc-other = Autre
catalogue-statuses = Statuts
catalogue-no-statuses = Le circuit n'a pas encore de statut.
catalogue-add-status = Ajouter un statut
catalogue-status-id = Identifiant du statut
catalogue-status-kind = Nature du statut
catalogue-status-draft = Brouillon (en cours de saisie)
catalogue-status-open = Ouvert (chez l'organisation)
catalogue-status-waiting_requester = En attente du demandeur
catalogue-status-waiting_third_party = En attente d'un tiers
catalogue-status-closed_accepted = Clos : accepté
catalogue-status-closed_refused = Clos : refusé
catalogue-status-closed_withdrawn = Clos : retiré
catalogue-initial = Statut d'une nouvelle demande
catalogue-initial-short = initial
catalogue-edit-status = Modifier
catalogue-rename-hint = Un nouvel identifiant est reporté sur le statut initial et les transitions.
catalogue-transitions = Transitions
catalogue-no-transitions = Le circuit n'a pas encore de transition.
catalogue-add-transition = Ajouter une transition
catalogue-transition-id = Identifiant de la transition
catalogue-from = Depuis
catalogue-from-any = Tout statut non clos
catalogue-to = Vers
catalogue-button-fr = Texte du bouton en français
catalogue-button-en = Texte du bouton en anglais
catalogue-who-fires = Qui peut la déclencher
catalogue-roles-hint = Aucun rôle coché : tous les agents sauf les lecteurs (ou le demandeur seul s'il est coché).
catalogue-requester = Le demandeur
catalogue-all-staff = Tous les agents sauf les lecteurs
catalogue-more = Condition, actions, délai
catalogue-timeout = se déclenche seule après { $days } jours
catalogue-timeout-business = se déclenche seule après { $days } jours ouvrés
catalogue-transition-json-hint = Ouvrez une transition (son identifiant) pour modifier ses actions (messages, affectation, échéances, corrections, documents, webhooks), son délai et sa condition.
catalogue-transition-title = Transition { $id }
catalogue-back-to-workflow = Retour au circuit de traitement
catalogue-actions = Actions
catalogue-actions-hint = Exécutées dans cet ordre quand la transition se déclenche.
catalogue-no-actions = Cette transition ne fait que changer le statut.
catalogue-add-action = Ajouter une action
catalogue-add-this-action = Ajouter : { $kind }
catalogue-action-kind-message_requester = Écrire au demandeur
catalogue-action-kind-assign_team = Affecter à une équipe
catalogue-action-kind-assign_agent = Affecter à un agent
catalogue-action-kind-set_deadline = Fixer une échéance
catalogue-action-kind-clear_deadline = Retirer l'échéance
catalogue-action-kind-request_corrections = Demander des corrections au demandeur
catalogue-action-kind-generate_document = Produire un document
catalogue-action-kind-call_webhook = Appeler un webhook
catalogue-action-message_requester = Écrire au demandeur : « { $subject } »
catalogue-action-assign_team = Affecter à l'équipe { $team }
catalogue-action-assign_agent = Affecter à { $agent }
catalogue-action-set_deadline = Échéance dans { $days } jours
catalogue-action-set_deadline-business = Échéance dans { $days } jours ouvrés
catalogue-action-clear_deadline = Retirer l'échéance
catalogue-action-request_corrections = Rouvrir pour correction : { $fields }
catalogue-action-generate_document = Produire le document { $template }
catalogue-action-call_webhook = Appeler { $url }
catalogue-subject-fr = Objet en français
catalogue-subject-en = Objet en anglais
catalogue-body-fr = Message en français
catalogue-body-en = Message en anglais
catalogue-team = Équipe
catalogue-agent-email = Adresse électronique de l'agent
catalogue-days = Nombre de jours
catalogue-business-days = Jours ouvrés du calendrier de l'organisation
catalogue-correction-fields = Champs rouverts pour le demandeur
catalogue-template = Modèle de document
catalogue-webhook-url = Adresse appelée
catalogue-webhook-url-hint = https://… (http://localhost… pour les tests).
catalogue-timeout-title = Délai
catalogue-timeout-hint = La transition se déclenche seule quand le dossier est resté aussi longtemps dans un statut de départ, par exemple « accepté par défaut après 60 jours de silence ».
catalogue-timeout-now = Actuellement :
catalogue-after-days = Après ce nombre de jours
catalogue-after-days-hint = De 1 à 3650 ; laisser vide pour aucun délai.
catalogue-clear-timeout = Retirer le délai
catalogue-transition-condition = Condition pour la déclencher
catalogue-tcond-none = Aucune
catalogue-tcond-all_documents_validated = Toutes les pièces validées
catalogue-tcond-field_equals = Une réponse du formulaire vaut une valeur
catalogue-tcond-field = Champ du formulaire
catalogue-required-text = Renseignez ce texte (au moins en français).
catalogue-invalid-email = Saisissez une adresse électronique comme nom@exemple.fr.
catalogue-invalid-days = Saisissez un nombre entier de jours de 1 à 3650.
catalogue-invalid-correction-fields = Cochez au moins un champ du formulaire.
catalogue-invalid-webhook-url = Saisissez une adresse commençant par https:// (ou http://localhost pour les tests).
catalogue-invalid-template = Utilisez de 1 à 60 lettres minuscules sans accent, chiffres ou tirets (par exemple attestation ou carte-resident) : ce nom devient le nom du fichier du document.
catalogue-sla-targets = Objectifs par priorité
catalogue-sla-intro = Première réponse et résolution, en heures (ou minutes) ouvrées ou en jours ouvrés du calendrier de l'organisation. Laissez les deux vides pour ne pas fixer de niveau de service à cette priorité.
catalogue-priority-low = Priorité basse
catalogue-priority-normal = Priorité normale
catalogue-priority-high = Priorité haute
catalogue-priority-urgent = Urgente
catalogue-first-response = Première réponse
catalogue-resolution = Résolution
catalogue-unit = Unité
catalogue-unit-minutes = minutes ouvrées
catalogue-unit-hours = heures ouvrées
catalogue-unit-days = jours ouvrés
catalogue-warn-at = Alerter quand cette part de l'objectif est consommée (pourcentage)
catalogue-invalid-duration = Saisissez les objectifs en nombres entiers avec une unité de la liste.

# Personnes et organisations
people-title = Personnes
people-nav = Personnes et organisations
people-search = Rechercher par nom, courriel, téléphone ou adresse
people-search-hint = Par exemple « Hélène Martin », « martin@ », « 06 12 34 », « 44000 ». Ni les accents ni les majuscules ne comptent.
search = Rechercher
filter = Filtrer
optional = facultatif
remove = Retirer
next-page = Page suivante
people-none = Personne pour l’instant.
people-none-found = Personne ne correspond à cette recherche.
people-results = Résultats pour « { $q } »
people-back = Retour aux personnes
person-new-title = Nouvelle personne
person-edit-title = Modifier { $name }
person-edit = Modifier l’identité
person-vcard = Télécharger la fiche (vCard)
person-vcard-hint = pour un carnet d’adresses ; le téléchargement est inscrit au journal
person-archive = Archiver cette personne
person-is-archived = Cette personne est archivée : conservée avec son historique, absente des listes et des recherches.
person-identity = Identité
person-name = Nom
person-given-name = Prénom
person-family-name = Nom de famille
person-birth-date = Date de naissance
person-birth-date-hint = Par exemple 31/01/1980.
person-locale = Langue préférée
locale-fr = Français
locale-en = Anglais
person-contact-points = Coordonnées
person-no-contact-points = Aucune coordonnée pour l’instant.
person-contact-kind = Type
person-contact-value = Valeur
person-email = Adresse électronique
person-phone = Téléphone
person-phone-hint = Toute écriture usuelle : 06 12 34 56 78, +33 6 12 34 56 78, 0033612345678.
person-address = Adresse postale
person-add-contact = Ajouter une coordonnée
person-add-email = Ajouter l’adresse électronique
person-add-phone = Ajouter le numéro
person-add-address = Ajouter l’adresse
person-address-lines = Lignes d’adresse
person-address-lines-hint = Une ligne par ligne, jusqu’à 4 lignes de 38 caractères : numéro et voie, bâtiment, lieu-dit…
person-postcode = Code postal
person-city = Commune
person-country = Pays
person-country-hint = Code à deux lettres : FR pour la France, BE pour la Belgique…
person-tags = Étiquettes
person-no-tags = Aucune étiquette.
person-tags-hint = Séparées par des virgules.
person-save-tags = Enregistrer les étiquettes
person-consents = Consentements
person-no-consents = Aucun consentement enregistré.
consent-purpose = Finalité
consent-purpose-hint = Par exemple lettre-information, rappels-sms.
consent-state = État
consent-state-given = Donné
consent-state-withdrawn = Retiré
consent-source = Origine
consent-source-portal = Espace en ligne
consent-source-counter = Guichet
consent-source-phone = Téléphone
consent-source-email = Courriel
consent-source-letter = Courrier
consent-source-import = Import
consent-source-api = API
consent-at = Date
consent-history = Historique
consent-changes = { $count ->
    [one] Un changement
   *[other] { $count } changements
}
consent-record = Enregistrer le consentement
person-relationships = Liens
person-no-relationships = Aucun lien.
relationship-kind = Lien
relationship-member_of = Membre
relationship-represents = Représentant
relationship-household = Foyer
relationship-out-member_of = Membre de
relationship-out-represents = Représente
relationship-out-household = Même foyer que
relationship-in-member_of = A pour membre
relationship-in-represents = Représenté·e par
relationship-in-household = Même foyer que
relationship-target = Avec
relationship-add = Ajouter le lien
person-timeline = Historique des contacts
person-no-interactions = Rien pour l’instant.
all-channels = Tous les canaux
channel-phone = Téléphone
channel-counter = Guichet
channel-letter = Courrier
channel-email = Courriel
direction-inbound = Entrant
direction-outbound = Sortant
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
interaction-case = dossier { $case }
interaction-log = Noter un contact
interaction-channel = Canal
interaction-direction = Sens
interaction-summary = Résumé
interaction-duration = Durée en minutes
interaction-case-ref = Référence du dossier
person-created = La personne a été créée.
person-saved = L’identité a été enregistrée.
person-archived = La personne a été archivée.
person-contact-added = La coordonnée a été ajoutée.
person-contact-removed = La coordonnée a été retirée.
person-tags-saved = Les étiquettes ont été enregistrées.
person-consent-recorded = Le consentement a été enregistré.
person-interaction-logged = Le contact a été noté.
person-relationship-added = Le lien a été ajouté.
person-invalid-given-name = Saisissez le prénom (1 à 100 caractères).
person-invalid-family-name = Saisissez le nom de famille (1 à 100 caractères).
person-invalid-birth-date = Saisissez une date de naissance entre 1900 et aujourd’hui, par exemple 31/01/1980.
person-invalid-locale = Choisissez le français ou l’anglais.
person-invalid-email = Saisissez une adresse électronique valide, par exemple nom@exemple.fr.
person-email-exists = Cette personne a déjà cette adresse électronique.
person-invalid-phone = Saisissez un numéro de téléphone, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.
person-phone-exists = Cette personne a déjà ce numéro.
person-invalid-address-lines = Saisissez 1 à 4 lignes d’adresse de 38 caractères au plus.
person-invalid-postcode = Saisissez le code postal : 5 chiffres en France, par exemple 75002.
person-invalid-city = Saisissez la commune (1 à 60 caractères).
person-invalid-country = Saisissez le pays en code à deux lettres, par exemple FR.
person-invalid-tag = Chaque étiquette compte 1 à 40 lettres, chiffres ou tirets.
person-too-many-tags = 50 étiquettes au plus.
person-invalid-consent-purpose = Saisissez la finalité en 1 à 40 lettres, chiffres ou tirets.
person-invalid-consent-state = Choisissez donné ou retiré.
person-invalid-consent-source = Choisissez l’origine du consentement.
person-invalid-consent-at = La date d’un consentement ne peut pas être dans le futur.
person-invalid-relationship-kind = Choisissez un type de lien.
person-invalid-relationship-target = Choisissez avec qui ou quoi est le lien : l’appartenance est à une organisation, le foyer entre personnes.
person-relationship-self = Une personne ne peut pas être liée à elle-même.
person-relationship-exists = Ce lien existe déjà.
person-invalid-channel = Choisissez un canal : téléphone, guichet, courrier ou courriel.
person-invalid-direction = Choisissez entrant ou sortant.
person-invalid-summary = Saisissez un résumé de 1 à 2 000 caractères.
person-invalid-duration = Saisissez une durée en minutes entières, de 0 à 1 440.
person-invalid-case-ref = Saisissez une référence de dossier en lettres, chiffres et tirets (64 au plus).
person-invalid-interaction-at = La date d’un contact ne peut pas être dans le futur.
organisations-title = Organisations
organisations-search = Rechercher par nom
organisations-none = Aucune organisation.
organisations-back = Retour aux organisations
organisation-new-title = Nouvelle organisation
organisation-edit-title = Modifier { $name }
organisation-edit = Modifier
organisation-archive = Archiver cette organisation
organisation-is-archived = Cette organisation est archivée.
organisation-name = Nom
organisation-siret = SIRET
organisation-siret-hint = 14 chiffres, par exemple 732 829 320 00074.
organisation-members = Membres et représentants
organisation-no-members = Personne n’est encore liée à cette organisation.
organisation-created = L’organisation a été créée.
organisation-saved = L’organisation a été enregistrée.
organisation-archived = L’organisation a été archivée.
organisation-invalid-name = Saisissez le nom (1 à 200 caractères).
organisation-invalid-siret = Saisissez un SIRET de 14 chiffres avec une clé valide, ou laissez vide.
organisation-siret-exists = Une organisation a déjà ce SIRET.

# Doublons probables
duplicates-title = Doublons probables
duplicates-intro = Des fiches qui décrivent peut-être la même personne : même courriel ou même téléphone, ou nom proche avec la même date de naissance ou le même code postal. Comparez-les pour les fusionner, ou indiquez qu’il ne s’agit pas d’un doublon.
duplicates-none = Aucun doublon probable.
duplicates-first = Personne
duplicates-second = Doublon possible
duplicates-reason = Raison
duplicate-reason-same-email = Même courriel
duplicate-reason-same-phone = Même numéro de téléphone
duplicate-reason-similar-name-same-birth-date = Nom proche et même date de naissance
duplicate-reason-similar-name-same-address = Nom proche et même code postal

## Cases: refusals of the case flow
case-stale = Quelqu'un a modifié ce dossier entre-temps. Rechargez la page pour voir ses changements ; rien n'a été enregistré.
case-transition-refused = Cette action n'est pas possible sur ce dossier dans son état actuel, ou votre rôle ne la permet pas. Rien n'a été modifié.
case-answers-invalid = Certaines réponses ne conviennent pas. Corrigez-les puis envoyez à nouveau.
case-service-closed = Cette démarche n'est pas ouverte pour le moment.
case-channel-not-offered = Cette démarche ne peut pas être déposée par ce canal.
case-sign-in-required = Connectez-vous pour faire cette démarche.
case-organisation-required = Cette démarche se fait au nom d'une organisation : choisissez celle que vous représentez.
case-document-unknown = Un des documents joints est introuvable ou n'est plus utilisable. Joignez-le à nouveau.

## Search
search-title = Recherche
search-results-title = Recherche « { $q } »
search-label = Nom, courriel, téléphone, adresse ou SIRET
search-hint = Par exemple « Hélène Martin », « martin@ », « 06 12 34 56 78 », « rue des Lilas Nantes », « 732 829 320 ». Ni les accents ni les majuscules ne comptent, et une faute de frappe dans un nom est tolérée.
search-scope = Chercher parmi
search-scope-all = Personnes et organisations
search-scope-person = Personnes
search-scope-organisation = Organisations
search-results = { $count ->
    [0] Aucun résultat
    [one] Un résultat
   *[other] { $count } résultats
}
search-none = Rien ne correspond à cette recherche. Vérifiez l’orthographe, ou cherchez autrement : courriel, téléphone, code postal.
search-truncated = D’autres fiches correspondent : seules les plus pertinentes sont affichées. Précisez la recherche (un prénom, une ville…) pour trouver les autres.
search-kind-person = Personne
search-kind-organisation = Organisation
search-how-exact = Mot exact
search-how-prefix = Début de mot
search-how-stem = Forme voisine (pluriel, féminin)
search-how-fuzzy = Orthographe approchante (une lettre diffère)
search-where-name = dans le nom
search-where-identifier = dans un courriel, un téléphone ou le SIRET
search-where-address = dans l’adresse
search-empty = Saisissez un nom, un courriel, un téléphone, une adresse ou un SIRET.
search-too-long = La recherche est trop longue : 100 caractères au plus.
search-invalid = La recherche contient des caractères de contrôle : retirez-les.
search-no-words = Saisissez au moins une lettre ou un chiffre.
search-too-many-words = La recherche a trop de mots : 8 au plus.
search-invalid-type = Choisissez de chercher parmi les personnes et organisations, les personnes ou les organisations.
search-found-in = { $field } :
people-search-everywhere = Chercher aussi parmi les organisations

# Import de personnes (CSV, vCard)
people-import = Importer des personnes
import-title = Importer des personnes
import-intro = Un fichier CSV tel qu’un tableur l’enregistre (UTF-8 ou Windows-1252, séparateur « ; », « , » ou tabulation, première ligne = en-têtes), ou un fichier de contacts vCard (.vcf, versions 3.0 et 4.0). Rien n’est enregistré avant que vous ayez vu le résultat de la vérification.
import-file = Fichier à importer
import-file-hint = CSV ou vCard, { $max } Mo au plus.
import-upload = Envoyer et vérifier
import-recent = Imports récents
import-none = Aucun import pour l’instant.
import-file-name = Fichier
import-uploaded-at = Envoyé le
import-state = État
import-accepted = Lignes acceptées
import-rejected = Lignes refusées
import-total = Lignes du fichier
import-created = Personnes créées
import-file-refused = Le fichier n’a pas pu être lu.
import-too-large = Le fichier dépasse { $max } Mo : découpez-le en plusieurs fichiers.
import-no-file = Choisissez un fichier à importer.
import-back = Retour aux imports
import-mapping-title = Correspondance des colonnes
import-mapping-intro = Indiquez ce que contient chaque colonne de « { $file } ». Les colonnes laissées sur « Ne pas importer » sont ignorées.
import-rows-count = { $count ->
    [one] Le fichier compte une ligne de données.
   *[other] Le fichier compte { $count } lignes de données.
}
import-mapping-legend = Colonnes du fichier
import-column-named = Colonne { $letter }
import-column-untitled = Colonne { $letter } (sans en-tête)
import-samples = Exemples : { $values }
import-check = Vérifier le fichier
import-target-none = Ne pas importer
import-target-given-name = Prénom
import-target-family-name = Nom de famille
import-target-birth-date = Date de naissance
import-target-email = Adresse électronique
import-target-phone = Téléphone
import-target-street = Ligne d’adresse
import-target-postcode = Code postal
import-target-city = Commune
import-target-country = Pays
import-target-tags = Étiquettes
import-target-ignore = Ne pas importer
import-report-title = Résultat de la vérification
import-report-intro = Fichier « { $file } ».
import-start = { $count ->
    [one] Importer la personne acceptée
   *[other] Importer les { $count } personnes acceptées
}
import-nothing-to-import = Aucune ligne n’est acceptée : il n’y a rien à importer. Corrigez le fichier et envoyez-le de nouveau.
import-change-mapping = Modifier la correspondance des colonnes
import-rejected-rows = Lignes refusées
import-rejected-intro = Chaque ligne refusée est listée avec la colonne et la raison. Vous pouvez télécharger ces lignes, les corriger dans votre tableur et les importer de nouveau.
import-download-rejected = Télécharger les lignes refusées (CSV)
import-page-of = page { $page }
import-pages = Pages des lignes refusées
import-previous-page = Page précédente
import-row-number = Ligne
import-column = Colonne
import-reason-column = Raison
import-reason = { $column } : { $reason }
import-row = ligne { $line }
import-rejected-file = lignes-refusees
import-progress-title = Import en cours
import-progress-label = Avancement de l’import
import-percent = { $percent } %
import-stored-of = { $stored } personnes enregistrées sur
import-refresh = Actualiser l’avancement
import-failed = L’import a échoué. Les personnes déjà enregistrées le restent ; les administrateurs trouvent le détail dans le journal.
import-state-uploaded = Correspondance à choisir
import-state-checked = Vérifié, pas encore importé
import-state-queued = En attente de démarrage
import-state-running = Import en cours
import-state-done = Import terminé
import-state-failed = Import échoué
import-checked = Le fichier a été vérifié : rien n’est encore enregistré.
import-started = L’import a démarré.
import-already-started = Cet import a déjà démarré.
import-not-checked = Vérifiez d’abord le fichier.
import-invalid-encoding = Ce fichier n’est ni en UTF-8 ni en Windows-1252 (octet { $offset }, ligne { $line }). Enregistrez-le en « CSV UTF-8 » depuis votre tableur.
import-not-csv = C’est un classeur (xlsx, ods), pas un fichier CSV : enregistrez-le en « CSV » depuis votre tableur.
import-binary-file = Ce fichier n’est pas du texte (image, PDF, programme ?) : choisissez un fichier CSV ou vCard.
import-empty-file = Le fichier est vide.
import-no-rows = Le fichier n’a qu’une ligne d’en-têtes : aucune ligne à importer.
import-missing-header = Ligne { $line } : la ligne d’en-têtes est vide.
import-unterminated-quote = Ligne { $line } : un guillemet ouvert n’est jamais fermé.
import-column-count = Ligne { $line } : { $actual } colonnes alors que la ligne d’en-têtes en a { $expected }.
import-mapping-width = La correspondance a { $actual } colonnes, le fichier { $expected }.
import-mapping-missing = Aucune colonne n’est associée à « { $field } », qui est obligatoire.
import-mapping-duplicate = Plusieurs colonnes sont associées à « { $field } », qui ne peut en avoir qu’une.
import-empty-row = Ligne vide
import-vcard-no-colon = Fiche { $card }, ligne { $line } : une propriété doit avoir la forme NOM:valeur (deux-points manquant).
import-vcard-outside = Fiche { $card }, ligne { $line } : texte en dehors de BEGIN:VCARD … END:VCARD.
import-vcard-nested = Fiche { $card }, ligne { $line } : BEGIN:VCARD à l’intérieur d’une fiche qui n’est pas terminée.
import-vcard-unclosed = Fiche { $card }, ligne { $line } : la fiche n’est jamais terminée par END:VCARD.
import-vcard-version = Fiche { $card }, ligne { $line } : version vCard absente ou non prise en charge (3.0 ou 4.0 attendue).
import-vcard-encoding = Fiche { $card }, ligne { $line } : valeur encodée illisible (quoted-printable ou jeu de caractères).
## Portal: catalogue, filing, my requests, document safe
portal-my-requests = { $kind ->
    [public] Mes demandes
   *[private] Mes tickets
}
portal-my-space = Mon espace
portal-my-documents = Mes documents
portal-new-request = { $kind ->
    [public] Faire une démarche
   *[private] Faire une demande
}
portal-catalogue = { $kind ->
    [public] Les démarches en ligne
   *[private] Nos demandes en ligne
}
portal-catalogue-empty = { $kind ->
    [public] Aucune démarche n'est encore proposée en ligne.
   *[private] Aucune demande n'est encore proposée en ligne.
}
portal-search-label = { $kind ->
    [public] Rechercher une démarche
   *[private] Rechercher une demande
}
portal-search = Rechercher
portal-search-clear = Voir tout le catalogue
portal-search-results = { $count ->
    [0] Aucun résultat.
    [one] { $count } résultat.
   *[other] { $count } résultats.
}
portal-search-none = { $kind ->
    [public] Aucune démarche ne correspond à votre recherche.
   *[private] Aucune demande ne correspond à votre recherche.
}
portal-track-link = { $kind ->
    [public] Suivre une demande avec son code de suivi
   *[private] Suivre un ticket avec son code de suivi
}
portal-back-to-catalogue = { $kind ->
    [public] Toutes les démarches
   *[private] Toutes les demandes
}
portal-category-other = Autres
portal-category-etat-civil = État civil
portal-category-proprete = Propreté
portal-category-education = Éducation et enfance
portal-category-tranquillite-publique = Tranquillité publique
portal-category-vie-associative = Vie associative
portal-category-voirie = Voirie
portal-category-stationnement = Stationnement
portal-category-ventes = Devis et ventes
portal-category-facturation = Facturation
portal-category-commandes = Commandes
portal-category-contrats = Contrats
portal-category-support = Assistance
portal-start-title = { $kind ->
    [public] Faire la démarche
   *[private] Faire la demande
}
portal-start = { $kind ->
    [public] Commencer la démarche
   *[private] Commencer la demande
}
portal-anonymous-hint = { $kind ->
    [public] Vous pouvez faire cette démarche sans compte : un code de suivi vous sera donné. Connectez-vous pour enregistrer votre brouillon et retrouver vos demandes.
   *[private] Vous pouvez faire cette demande sans compte : un code de suivi vous sera donné. Connectez-vous pour enregistrer votre brouillon et retrouver vos tickets.
}
portal-sign-in-to-file = { $kind ->
    [public] Cette démarche se fait depuis votre compte : connectez-vous pour la commencer.
   *[private] Cette demande se fait depuis votre compte : connectez-vous pour la commencer.
}
portal-organisations-only = { $kind ->
    [public] Cette démarche est faite au nom d'une association ou d'une entreprise. Votre compte n'est rattaché à aucune : contactez-nous pour la faire.
   *[private] Cette demande est faite au nom d'une entreprise. Votre compte n'est rattaché à aucune : contactez-nous pour la faire.
}
portal-organisations-sign-in = { $kind ->
    [public] Cette démarche est faite au nom d'une association ou d'une entreprise : connectez-vous avec le compte d'un de ses membres.
   *[private] Cette demande est faite au nom d'une entreprise : connectez-vous avec le compte d'un de ses membres.
}
portal-organisations-yours = Vous pouvez la faire au nom de : { $names }.
portal-on-behalf = { $kind ->
    [public] Pour qui faites-vous cette démarche ?
   *[private] Pour qui faites-vous cette demande ?
}
portal-on-behalf-self = Pour moi-même
portal-on-behalf-required = Choisissez l'organisation au nom de laquelle vous la faites.
portal-on-behalf-unknown = Vous ne pouvez pas agir au nom de cette organisation : choisissez-en une dont vous êtes membre.
portal-for-organisation = Au nom de
portal-drafts-of-service = Vous avez déjà commencé :
portal-resume-draft = Reprendre le brouillon enregistré le { $date }
portal-prepare = Ce qu'il faut préparer
portal-no-documents = { $kind ->
    [public] Aucune pièce justificative n'est demandée.
   *[private] Aucune pièce jointe n'est demandée.
}
portal-required = obligatoire
portal-reusable = peut être reprise de votre espace documents
portal-max-age = { $count ->
    [one] datée de moins d'un jour
   *[other] datée de moins de { $count } jours
}
portal-file-formats = Formats acceptés : PDF, JPEG ou PNG (photo ou scan lisible).
portal-form-pages = { $count ->
    [one] Le formulaire tient en une page :
   *[other] Le formulaire compte { $count } pages :
}
portal-how-long = Combien de temps cela prend
portal-processing-times = { $kind ->
    [public] La moitié des demandes ont été traitées en { $median } ou moins, et 9 sur 10 en { $p90 } ou moins (d'après les { $count } dernières demandes closes).
   *[private] La moitié des tickets ont été traités en { $median } ou moins, et 9 sur 10 en { $p90 } ou moins (d'après les { $count } derniers tickets clos).
}
portal-not-a-promise = Ce sont des délais constatés, pas un engagement : chaque demande est différente.
portal-not-enough-cases = { $kind ->
    [public] Pas encore assez de demandes closes pour indiquer un délai habituel.
   *[private] Pas encore assez de tickets clos pour indiquer un délai habituel.
}
portal-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
portal-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
portal-contact-title = Nous contacter
portal-contact-name = Organisme
portal-contact-mail = Courriel
portal-opening-hours = Horaires d'ouverture
portal-closed-day = Fermé
portal-closed-holidays = Fermé les jours fériés.
portal-closures = Fermetures exceptionnelles :
portal-steps = Étapes
portal-step-of = Étape { $step } sur { $count }
portal-step-documents = { $kind ->
    [public] Pièces justificatives
   *[private] Pièces jointes
}
portal-step-documents-short = Documents
portal-step-summary = Récapitulatif
portal-version-changed = { $kind ->
    [public] Cette démarche a changé depuis que vous l'avez commencée. Vos réponses ont été reprises ; voici ce qui a changé :
   *[private] Cette demande a changé depuis que vous l'avez commencée. Vos réponses ont été reprises ; voici ce qui a changé :
}
portal-answers-dropped = Ces réponses ne conviennent plus et sont à redonner :
portal-continue = Continuer
portal-back = Précédent
portal-save-later = Enregistrer et finir plus tard
portal-draft-delete = Supprimer ce brouillon
portal-submit = { $kind ->
    [public] Envoyer ma demande
   *[private] Envoyer mon ticket
}
portal-summary-intro = { $kind ->
    [public] Vérifiez vos réponses avant d'envoyer votre demande.
   *[private] Vérifiez vos réponses avant d'envoyer votre ticket.
}
portal-summary-incomplete = Des réponses manquent ou sont à corriger avant l'envoi.
portal-contact-email = Votre adresse électronique
portal-contact-email-hint = { $kind ->
    [public] Nous y envoyons l'accusé de réception, votre code de suivi et les nouvelles de votre demande.
   *[private] Nous y envoyons l'accusé de réception, votre code de suivi et les nouvelles de votre ticket.
}
portal-more-questions = Vos réponses appellent d'autres questions : complétez-les ci-dessous.
portal-unknown-fields = Le formulaire envoyé contient des champs que ce formulaire n'a pas ({ $names }) : rien n'a été enregistré.
portal-documents-intro = Ajoutez vos documents en PDF, JPEG ou PNG. Le type est vérifié d'après le contenu du fichier.
portal-add-files = Ajouter des fichiers
portal-from-safe = Ou reprenez un document déjà vérifié de votre espace :
portal-valid-until = valable jusqu'au { $date }
portal-file-hint = { $types } · { $size } maximum · { $count ->
    [one] 1 fichier
   *[other] { $count } fichiers au plus
}
portal-file-images = images
portal-file-remove = Retirer
portal-file-unknown = document
portal-group-add = Ajouter : { $group }
portal-group-remove = Retirer { $item }
portal-yes = Oui
portal-no = Non
portal-none = aucun
portal-address-street = Numéro et voie
portal-address-complement = Complément d'adresse
portal-address-postcode = Code postal
portal-address-city = Commune
portal-address-country = Pays (code à deux lettres, FR pour la France)
portal-document-required = Ce document est obligatoire.
portal-safe-not-yours = Ce document n'est pas dans votre espace ou n'est plus valable.
portal-documents-expired = Un des documents envoyés n'est plus disponible : ajoutez-le de nouveau.
portal-service-closed = { $kind ->
    [public] Cette démarche n'est plus proposée en ligne.
   *[private] Cette demande n'est plus proposée en ligne.
}
portal-staff-account = Vous êtes connecté·e avec un compte agent : utilisez le back-office pour enregistrer une demande au nom de quelqu'un.
portal-filed-title = { $kind ->
    [public] Votre demande est envoyée
   *[private] Votre ticket est envoyé
}
portal-filed-intro = { $kind ->
    [public] Votre demande « { $service } » a bien été reçue.
   *[private] Votre ticket « { $service } » a bien été reçu.
}
portal-reference = Référence
portal-reference-hint = Par exemple BEL-2026-7K3F9QX2
portal-tracking-code = Code de suivi
portal-tracking-code-hint = Les 16 caractères reçus par courriel, tirets facultatifs
portal-keep-code = { $kind ->
    [public] Gardez ce code : avec la référence, il vous permet de suivre votre demande. Il vous est aussi envoyé par courriel.
   *[private] Gardez ce code : avec la référence, il vous permet de suivre votre ticket. Il vous est aussi envoyé par courriel.
}
portal-ack-sent = Un accusé de réception a été envoyé à { $email }.
portal-download-receipt = Télécharger l'accusé de réception (PDF)
portal-follow-case = { $kind ->
    [public] Suivre ma demande
   *[private] Suivre mon ticket
}
portal-ack-subject = Accusé de réception de votre demande { $reference }
portal-ack-intro = { $kind ->
    [public] Bonjour, nous avons bien reçu votre demande.
   *[private] Bonjour, nous avons bien reçu votre ticket.
}
portal-ack-tracking = Votre code de suivi : { $code }
portal-ack-track-link = Suivez votre demande avec sa référence et ce code : { $link }
portal-ack-account-link = Suivez votre demande dans votre espace : { $link }
portal-receipt-title = Accusé de réception
portal-receipt-reference = Référence : { $reference }
portal-receipt-service = { $kind ->
    [public] Démarche : { $service }
   *[private] Demande : { $service }
}
portal-receipt-received = Reçue le { $date }
portal-receipt-handled-by = Service chargé de la demande : { $tenant }
portal-receipt-contact = Contact : { $email }
portal-receipt-meaning = { $kind ->
    [public] Cet accusé de réception atteste que votre demande a été reçue par voie électronique. Il ne préjuge pas de la décision ; le service peut vous demander des informations ou des pièces complémentaires.
   *[private] Cet accusé de réception atteste que votre ticket a été reçu. Nos équipes peuvent vous demander des informations complémentaires.
}
portal-receipt-answers = Vos réponses :
portal-receipt-documents = Documents joints :
portal-drafts = Brouillons en cours
portal-draft-updated = Enregistré le { $date }
portal-draft-outdated = { $kind ->
    [public] La démarche a changé : vos réponses seront reprises à l'ouverture du brouillon.
   *[private] La demande a changé : vos réponses seront reprises à l'ouverture du brouillon.
}
portal-filed = { $kind ->
    [public] Demandes envoyées
   *[private] Tickets envoyés
}
portal-no-requests = { $kind ->
    [public] Vous n'avez pas encore envoyé de demande.
   *[private] Vous n'avez pas encore envoyé de ticket.
}
portal-submitted-on = Envoyée le
portal-status = Statut
portal-next-step = Prochaine étape
portal-who-acts = Qui doit agir
portal-next-open = { $kind ->
    [public] Votre demande est en cours de traitement par { $tenant }.
   *[private] Votre ticket est en cours de traitement par { $tenant }.
}
portal-next-requester = À vous d'agir : répondez au message ou apportez les corrections demandées.
portal-next-third-party = En attente d'un organisme extérieur ; rien à faire de votre côté.
portal-next-accepted = { $kind ->
    [public] Demande acceptée et close.
   *[private] Ticket résolu et clos.
}
portal-next-refused = { $kind ->
    [public] Demande refusée et close ; le motif figure dans l'historique.
   *[private] Ticket clos sans suite ; le motif figure dans l'historique.
}
portal-next-withdrawn = { $kind ->
    [public] Demande retirée.
   *[private] Ticket retiré.
}
portal-who-organisation = { $tenant }
portal-who-you = Vous
portal-who-third-party = Un organisme extérieur
portal-who-nobody = Personne : c'est terminé
portal-timeline = Historique
portal-event-status = Statut : { $status }
portal-event-message-in = Message de { $tenant }
portal-event-submitted = { $kind ->
    [public] Demande envoyée
   *[private] Ticket envoyé
}
portal-event-message-from-requester = Votre message
portal-event-corrections-requested = Corrections demandées
portal-event-resubmitted = Corrections envoyées
portal-event-document-validated = Document validé
portal-event-document-rejected = Document refusé
portal-event-document-generated = Document émis
portal-event-survey-answered = Votre avis
portal-case-documents = Documents
portal-document-pending = en attente de vérification
portal-document-valid = valide
portal-document-rejected = refusé
portal-document-rejected-because = refusé : { $reason }
portal-corrections-title = Corrections demandées
portal-corrections-intro = Seuls les champs à corriger peuvent être modifiés.
portal-write = Écrire
portal-message = Votre message
portal-attachments = Pièces jointes
portal-send = Envoyer
portal-message-sent = Votre message a été envoyé.
portal-resubmitted = { $kind ->
    [public] Vos corrections ont été envoyées ; votre demande repart en traitement.
   *[private] Vos corrections ont été envoyées ; votre ticket repart en traitement.
}
portal-withdraw-title = { $kind ->
    [public] Retirer ma demande
   *[private] Retirer mon ticket
}
portal-withdraw-confirm = { $kind ->
    [public] Je confirme retirer ma demande : elle sera close.
   *[private] Je confirme retirer mon ticket : il sera clos.
}
portal-withdraw-confirm-needed = Cochez la case de confirmation pour retirer.
portal-withdrawn = { $kind ->
    [public] Votre demande est retirée.
   *[private] Votre ticket est retiré.
}
portal-case-stale = La page n'était plus à jour : elle a été rechargée, rien n'a été enregistré. Recommencez si besoin.
portal-case-closed = Ce dossier est clos : il ne reçoit plus de messages.
portal-no-corrections = Aucune correction n'est demandée sur ce dossier.
portal-cannot-resubmit = Le dossier ne peut pas être renvoyé depuis son statut actuel.
portal-cannot-withdraw = Le dossier ne peut pas être retiré depuis son statut actuel.
portal-survey-title = Votre avis
portal-survey-question = { $kind ->
    [public] Êtes-vous satisfait·e du traitement de votre demande ?
   *[private] Êtes-vous satisfait·e du traitement de votre ticket ?
}
portal-survey-scale = De 1 (pas du tout) à 5 (tout à fait)
portal-rating-value = { $count } sur 5
portal-survey-comment = Un commentaire
portal-survey-send = Donner mon avis
portal-survey-thanks = Merci pour votre avis.
portal-survey-closed = L'avis ne peut être donné qu'une fois, une fois le dossier clos.
portal-rating-invalid = Choisissez une note de 1 à 5.
portal-track-title = { $kind ->
    [public] Suivre une demande
   *[private] Suivre un ticket
}
portal-track-intro = Saisissez la référence et le code de suivi reçus lors de l'envoi.
portal-track-submit = Suivre
portal-track-not-found = { $kind ->
    [public] Aucune demande ne correspond à cette référence et à ce code de suivi. Vérifiez les deux.
   *[private] Aucun ticket ne correspond à cette référence et à ce code de suivi. Vérifiez les deux.
}
portal-draft-deleted = Le brouillon est supprimé.
portal-draft-saved = Votre brouillon est enregistré : reprenez-le quand vous voulez.
portal-safe-intro = Vos documents vérifiés peuvent être repris dans une nouvelle demande sans les envoyer de nouveau.
portal-safe-not-linked = Votre compte n'est pas encore relié à votre fiche : vos documents apparaîtront ici une fois ce lien fait.
portal-safe-empty = Aucun document pour l'instant.
portal-document = Document
portal-document-kind = Nature
portal-valid-until-col = Valable jusqu'au
portal-added-on = ajouté le { $date }
portal-expired = expiré
portal-delete = Supprimer
portal-document-deleted = Le document est supprimé de votre espace.
upload-empty = Le fichier est vide.
upload-too-large = Le fichier dépasse la taille autorisée.
upload-type-refused = Ce type de fichier n'est pas accepté (le contenu du fichier est vérifié, pas son nom).
upload-too-many = Trop de fichiers pour ce champ.
upload-not-expected = Un fichier a été envoyé pour un champ qui n'en attend pas.
answer-required = Ce champ est obligatoire.
answer-unknown-field = Ce champ n'existe pas dans le formulaire.
answer-invalid-type = Cette réponse n'a pas la forme attendue.
answer-invalid-text = Le texte contient des caractères non autorisés.
answer-too-long = Le texte est trop long.
answer-not-a-number = Saisissez un nombre.
answer-not-an-integer = Saisissez un nombre entier.
answer-out-of-range = La valeur est en dehors des limites permises.
answer-invalid-date = Saisissez une date valide.
answer-invalid-email = Saisissez une adresse électronique valide, par exemple nom@exemple.fr.
answer-invalid-phone = Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78.
answer-invalid-address = L'adresse est incomplète ou mal formée.
answer-invalid-postcode = Le code postal n'est pas valide.
answer-invalid-country = Le pays s'écrit en deux lettres, par exemple FR.
answer-invalid-choice = Choisissez une des options proposées.
answer-too-few-choices = Choisissez plus d'options.
answer-too-many-choices = Choisissez moins d'options.
answer-invalid-file = Le fichier joint n'est pas valide.
answer-too-many-files = Trop de fichiers joints.
answer-too-few-items = Ajoutez d'autres éléments.
answer-too-many-items = Trop d'éléments.

duplicates-no-more = Plus aucun doublon probable sur cette page.
duplicates-compare = Comparer et fusionner
duplicates-dismiss = Pas un doublon
duplicates-back = Retour aux doublons probables
duplicate-dismissed = Cette paire ne sera plus proposée comme doublon.
first-page = Première page

# Fusion de fiches
merge-title = Fusionner deux fiches
merge-intro = Comparez les deux fiches. Celle qui est conservée reçoit tout l’historique de l’autre.
merge-compare = Les deux fiches côte à côte
merge-field = Information
merge-count-consents = Changements de consentement
merge-count-relationships = Liens
merge-count-interactions = Contacts
merge-choose = Choisir ce qui est conservé
merge-survivor = Fiche conservée
merge-survivor-hint = L’autre fiche est archivée ; son adresse mène ensuite à la fiche conservée.
merge-record = Fiche de { $name }
merge-keep = { $field } à conserver
merge-explain = Coordonnées (sans les doublons), étiquettes, consentements et leur historique, liens, contacts et champs personnalisés de l’autre fiche rejoignent la fiche conservée. Le journal d’audit garde la trace de tout ce qui a été déplacé.
merge-submit = Fusionner les deux fiches
merge-not-duplicate-title = Ce n’est pas la même personne ?
merge-not-duplicate-hint = La paire ne sera plus proposée dans les doublons probables.
merge-same-person = Une fiche ne peut pas être fusionnée avec elle-même.
merge-archived = L’une des deux fiches est archivée : elle ne peut plus être fusionnée.
merge-already-merged = Ces fiches ont déjà été fusionnées : rien n’a été changé.
merge-invalid-choice = Choisissez l’une des deux fiches.
person-merged-here = Fiches fusionnées : cette fiche regroupe désormais tout leur historique.

# Champs personnalisés
admin-custom-fields = Champs personnalisés
custom-fields-title = Champs personnalisés des fiches
custom-fields-intro = Des informations propres à votre organisation, saisies sur les fiches des personnes et utilisables dans les segments.
custom-fields-none = Aucun champ personnalisé pour l’instant.
custom-field-label = Libellé
custom-field-label-fr = Libellé en français
custom-field-label-en = Libellé en anglais
custom-field-key = Clé
custom-field-key-hint = Nom technique utilisé par l’API et les segments : lettres minuscules, chiffres et tirets bas. Laissez vide pour la déduire du libellé français. Elle ne change plus ensuite.
custom-field-kind = Type
custom-field-kind-hint = Le type ne change plus une fois le champ créé.
custom-field-kind-text = Texte
custom-field-kind-number = Nombre
custom-field-kind-date = Date
custom-field-kind-choice = Liste de choix
custom-field-choices = Choix proposés
custom-field-choices-hint = Pour une liste de choix : un choix par ligne (50 au plus).
custom-field-required = Obligatoire
custom-field-required-label = Obligatoire sur chaque fiche
custom-field-state = État
custom-field-active = Actif
custom-field-archived = Archivé
custom-field-archive-label = Archiver ce champ
custom-field-archive-hint = Un champ archivé n’est plus proposé dans les formulaires ; les valeurs déjà saisies restent visibles sur les fiches.
custom-field-create = Ajouter le champ
custom-field-created = Le champ a été ajouté.
custom-field-saved = Le champ a été enregistré.
custom-field-edit-title = Modifier le champ « { $label } »
custom-field-fixed-hint = La clé et le type d’un champ ne changent pas : les valeurs déjà saisies resteraient sinon sans signification.
custom-field-fixed = La clé et le type d’un champ ne peuvent pas changer.
custom-field-key-exists = Un autre champ utilise déjà cette clé.
custom-field-too-many = 100 champs personnalisés au plus.
custom-field-invalid-label = Saisissez un libellé de 1 à 80 caractères.
custom-field-invalid-key = La clé commence par une lettre minuscule, puis lettres minuscules, chiffres ou tirets bas (40 au plus).
custom-field-invalid-kind = Choisissez un type : texte, nombre, date ou liste de choix.
custom-field-invalid-choices = Saisissez de 1 à 50 choix différents, un par ligne, de 80 caractères au plus.
custom-field-invalid-text = Un texte de 500 caractères au plus est attendu.
custom-field-invalid-number = Un nombre est attendu, par exemple 12 ou 12,5.
custom-field-invalid-date = Une date est attendue, par exemple 31/01/2026.
custom-field-invalid-choice = Choisissez l’une des valeurs proposées.
custom-field-value-required = Ce champ est obligatoire : saisissez une valeur.
custom-field-unknown = Ce champ personnalisé n’existe pas ou a été archivé.
custom-field-number-hint = Un nombre, par exemple 12 ou 12,5.
custom-field-date-hint = Par exemple 31/01/2026.
person-custom-fields = Champs personnalisés
person-no-custom-fields = Aucun champ personnalisé n’est défini.
person-edit-custom-fields = Modifier les champs personnalisés
person-save-custom-fields = Enregistrer les champs
person-custom-fields-saved = Les champs personnalisés ont été enregistrés.
person-relationship-removed = Le lien a été retiré.
organisation-contact-added = La coordonnée a été ajoutée.
organisation-contact-removed = La coordonnée a été retirée.

# Historique (vue 360°)
timeline-filter = Filtrer l’historique
timeline-kind = Type
timeline-all-kinds = Tous les types
timeline-kind-interaction = Contact
timeline-kind-consent = Consentement
timeline-kind-relationship = Lien
timeline-kind-merge = Fusion
timeline-kind-case = Demande
timeline-kind-message = Message
timeline-kind-document = Document
timeline-message-to-requester = envoyé à la personne
timeline-message-from-requester = reçu de la personne
timeline-document-pending = à vérifier
timeline-document-valid = valide
timeline-document-rejected = refusé
timeline-merged-record = Fiche fusionnée dans celle-ci
timeline-none-filtered = Rien dans l’historique pour ce filtre.
timeline-show-all = Tout afficher

# Segments
segments-title = Segments
segments-intro = Des listes de personnes définies par des critères (étiquettes, champs personnalisés, consentements, dates, activité), toujours à jour.
segments-none = Aucun segment pour l’instant.
segments-back = Retour aux segments
segment-new-title = Nouveau segment
segment-edit-title = Modifier le segment « { $name } »
segment-edit = Modifier les critères
segment-delete = Supprimer ce segment
segment-created = Le segment a été créé.
segment-saved = Le segment a été enregistré.
segment-deleted = Le segment a été supprimé.
segment-form-intro = Une personne fait partie du segment si elle remplit tous les critères saisis. Les fiches archivées n’en font jamais partie.
segment-name = Nom du segment
segment-name-exists = Un autre segment porte déjà ce nom.
segment-invalid-name = Saisissez un nom de 1 à 80 caractères.
segment-tags = Étiquettes
segment-tags-hint = Séparées par des virgules ; la personne doit les avoir toutes.
segment-any = Peu importe
segment-contains = Contient
segment-is = Est
segment-min = Au moins
segment-max = Au plus
segment-from = Du
segment-to = Au
segment-consents = Consentements
segment-consent-given = Donné
segment-consent-withdrawn = Retiré
segment-consent-not_given = Non donné (retiré ou jamais recueilli)
segment-consent-never = Jamais recueilli
segment-other-purpose = Autre finalité
segment-other-purpose-hint = Une finalité qui n’apparaît pas ci-dessus, par exemple « lettre-information ».
segment-other-state = État de cette finalité
segment-created-range = Fiche créée
segment-updated-range = Fiche modifiée
segment-activity = Activité
segment-activity-kind = Contacts
segment-activity-within = Au moins un contact dans les derniers jours
segment-activity-none-since = Aucun contact depuis
segment-activity-days = Nombre de jours
segment-invalid-date = Une date est attendue, par exemple 31/01/2026.
segment-invalid-range = Le début doit précéder la fin.
segment-invalid-consent-state = Choisissez un état de consentement.
segment-invalid-days = Un nombre de jours de 1 à 3650 est attendu.
segment-invalid-activity = Choisissez un type d’activité.
segment-criteria = Critères
segment-no-criteria = Aucun critère : toutes les personnes actives.
segment-criterion-tags = Étiquettes : { $tags }
segment-criterion-contains = { $field } contient « { $low } »
segment-criterion-is = { $field } : { $low }
segment-criterion-number-between = { $field } : de { $low } à { $high }
segment-criterion-number-from = { $field } : au moins { $low }
segment-criterion-number-to = { $field } : au plus { $high }
segment-criterion-date-between = { $field } : du { $low } au { $high }
segment-criterion-date-from = { $field } : depuis le { $low }
segment-criterion-date-to = { $field } : jusqu’au { $high }
segment-criterion-consent = Consentement « { $purpose } » : { $state }
segment-criterion-within = { $count ->
    [one] Au moins un contact le dernier jour
   *[other] Au moins un contact dans les { $count } derniers jours
}
segment-criterion-none-since = { $count ->
    [one] Aucun contact depuis un jour
   *[other] Aucun contact depuis { $count } jours
}
segment-count = { $count ->
    [0] Aucune personne
    [one] { $count } personne
   *[other] { $count } personnes
}
segment-export = Exporter en CSV
segment-export-vcard = Exporter en vCard (carnets d’adresses)
segment-export-id = Identifiant
segment-export-emails = Courriels
segment-export-phones = Téléphones
segment-export-addresses = Adresses
segment-members = Personnes du segment « { $name } »
segment-empty = Personne ne remplit ces critères pour l’instant.
segment-no-more = Plus personne sur cette page.
## Back office : dossiers (vues, page d'un dossier, saisie pour un usager)
cases-title = Dossiers
cases-nav = Dossiers
cases-views = Vues des dossiers
cases-view-open = Tous les dossiers ouverts
cases-view-mine = Les miens
cases-view-teams = Mes équipes
cases-view-unassigned = Non attribués
cases-view-waiting = En attente du demandeur
cases-view-at_risk = Délai menacé
cases-view-breached = Délai dépassé
cases-view-closed = Clos
cases-view-all = Tous les dossiers
cases-count-suffix = dossiers
cases-count-capped = plus de { $count }
cases-saved-views = Mes vues enregistrées
cases-save-view = Enregistrer ces filtres comme vue
cases-view-name = Nom de la vue
cases-view-name-required = Donnez un nom à la vue.
cases-view-name-too-long = Le nom doit faire 60 caractères au plus.
cases-view-name-taken = Vous avez déjà une vue de ce nom.
cases-view-saved = Vue enregistrée.
cases-view-deleted = Vue supprimée.
cases-filters = Filtres
cases-apply-filters = Filtrer
cases-clear-filters = Effacer les filtres
cases-any = Tous
cases-reference = Référence
cases-reference-hint = La référence entière ou une partie, par exemple 7K3F.
cases-service = Démarche
cases-status = Statut
cases-priority = Priorité
cases-channel = Canal
cases-assignee = Agent
cases-assignee-me = Moi
cases-assignee-none = Personne
cases-label = Étiquette
cases-from = Déposé à partir du
cases-to = Déposé jusqu'au
cases-sort = Ordre
cases-sort-newest = Les plus récents d'abord
cases-sort-oldest = Les plus anciens d'abord
cases-requester = Demandeur
cases-submitted = Déposé le
cases-due = Échéance de traitement
cases-none = Aucun dossier dans cette vue.
cases-none-found = Aucun dossier ne correspond à ces filtres.
cases-invalid-view = Cette vue n'existe pas : tous les dossiers ouverts sont affichés.
cases-invalid-service = Choisissez une démarche dans la liste.
cases-invalid-status = Choisissez un statut dans la liste.
cases-invalid-priority = Choisissez une priorité dans la liste.
cases-invalid-channel = Choisissez un canal dans la liste.
cases-invalid-assignee = Choisissez un agent dans la liste.
cases-invalid-date = Saisissez une date au format jj/mm/aaaa.
cases-dates-reversed = La date de fin doit être égale ou postérieure à la date de début.
cases-invalid-reference = Une référence fait 40 caractères au plus.
cases-invalid-sort = Choisissez un ordre dans la liste.
cases-invalid-page = Le lien vers la page suivante n'est pas valable : la première page est affichée.
sla-state-warning = Délai menacé
sla-state-breached = Délai dépassé
label-too-long = Une étiquette fait 40 caractères au plus.
label-invalid = Une étiquette ne peut pas contenir de caractères de contrôle.
labels-too-many = Un dossier porte 20 étiquettes au plus.
message-required = Écrivez le message.
message-too-long = Le message doit faire 10 000 caractères au plus.
document-reason-required = Indiquez pourquoi la pièce est refusée : le demandeur le lira.
document-reason-too-long = Le motif doit faire 500 caractères au plus.
canned-title-required = Saisissez un titre.
canned-title-too-long = Le titre doit faire 100 caractères au plus.
canned-unknown-variable = Le texte utilise une variable qui n'existe pas. Variables possibles : {"{"}reference{"}"}, {"{"}given_name{"}"}, {"{"}family_name{"}"}, {"{"}service{"}"}, {"{"}agent_name{"}"}, {"{"}organisation{"}"}.
case-go-to-actions = Aller aux actions
case-conflict = Quelqu'un d'autre a modifié ce dossier après que vous l'avez ouvert. Rien n'a été enregistré.
case-what-changed = Ce qui a changé :
case-changed-by = Modifications depuis votre ouverture :
case-stale-retry = La page montre maintenant le dossier tel qu'il est ; ce que vous aviez saisi est toujours dans sa zone. Vérifiez-le et envoyez à nouveau.
case-nothing-changed = Rien n'a été modifié.
case-change-status = Statut
case-change-priority = Priorité
case-change-team = Équipe
case-change-assignee = Agent
case-change-labels = Étiquettes
case-nobody = Personne
case-action-file = a déposé le dossier
case-action-transition = a changé le statut
case-action-assign = a attribué le dossier
case-action-priority = a changé la priorité
case-action-labels = a changé les étiquettes
case-action-reply = a répondu au demandeur
case-action-note = a écrit une note
case-action-document = a vérifié une pièce
case-action-timers = délais de traitement
case-sla = Délai de traitement
case-first-response-due = Première réponse attendue le
case-resolution-due = Traitement attendu le
case-deadline = Échéance
case-team = Équipe
case-labels = Étiquettes
case-no-labels = Aucune
case-labels-hint = Séparées par des virgules, par exemple urgent, rappel.
case-save-labels = Enregistrer les étiquettes
case-labels-saved = Étiquettes enregistrées.
case-requester = Demandeur
case-portal-account = Compte du portail
case-anonymous = Déposé sans compte, contact
case-no-requester = Aucun demandeur enregistré.
case-other-cases = Autres dossiers de cette personne :
case-answers = Formulaire tel que déposé
case-answers-version = Affiché selon la version { $version } de la démarche, celle sous laquelle le dossier a été déposé.
case-no-answers = Aucune réponse.
case-corrections-open = Corrections demandées sur : { $fields }
case-documents = Pièces
case-no-documents = Aucune pièce.
document-status = État
document-status-pending = À vérifier
document-status-valid = Valide
document-status-rejected = Refusée
document-valid-until = valable jusqu'au { $date }
document-valid-until-label = Valable jusqu'au (facultatif)
document-validate = Valider
document-reject = Refuser
document-reject-reason = Motif du refus
document-preview = Aperçu
document-preview-of = Aperçu de { $name }
case-timeline = Historique
case-event-new = nouveau
event-public = visible du demandeur
event-internal = interne
event-submitted = Dossier déposé
event-status_changed = Statut changé
event-assigned = Attribué
event-priority_changed = Priorité changée
event-message_to_requester = Message au demandeur
event-message_from_requester = Message du demandeur
event-note = Note interne
event-corrections_requested = Corrections demandées
event-resubmitted = Corrections envoyées
event-deadline_set = Échéance fixée
event-deadline_cleared = Échéance retirée
event-document_validated = Pièce validée
event-document_rejected = Pièce refusée
event-document_generated = Document produit
event-webhook_called = Notification envoyée à un autre système
event-sla_warning = Délai menacé
event-sla_breached = Délai dépassé
event-survey_answered = Enquête de satisfaction remplie
event-detail-channel = par { $channel }
event-detail-team = équipe { $team }
event-detail-assignee = agent { $agent }
event-detail-unassigned = personne
case-actions = Actions
case-change-status-title = Changer le statut
case-transition = Transition
case-transition-required = Choisissez une transition.
case-no-transitions = Aucune transition ne vous est ouverte depuis ce statut.
case-comment = Commentaire (facultatif)
case-comment-hint = Gardé dans l'historique ; obligatoire pour demander des corrections, et envoyé au demandeur avec elles.
case-comment-required = Écrivez ce que le demandeur doit corriger.
case-apply-transition = Changer le statut
case-transitioned = Statut changé.
case-transition-not-allowed = Votre rôle ne permet pas cette transition.
case-transition-not-from-status = Cette transition ne part pas du statut du dossier.
case-transition-condition = La condition de cette transition n'est pas remplie (par exemple, toutes les pièces doivent d'abord être validées).
case-transition-closed = Le dossier est clos : cette transition ne peut pas quitter son statut.
case-transition-unknown = Cette transition n'existe pas dans le circuit du dossier.
case-reply-title = Répondre au demandeur
case-reply-body = Message
case-reply-hint = Envoyé par courriel et affiché sur la page du demandeur.
case-send-reply = Envoyer la réponse
case-replied = Réponse envoyée.
case-reply-subject = Une réponse à votre demande
case-closed-no-reply = Le dossier est clos : aucune réponse ne peut être envoyée.
case-canned = Réponse type
case-canned-use = Partir de cette réponse
case-note-title = Note interne
case-note-body = Note
case-note-hint = Visible des agents seulement.
case-add-note = Ajouter la note
case-noted = Note ajoutée.
case-assign-title = Attribution
case-no-team = Aucune équipe
case-no-agent = Personne
case-assign = Attribuer
case-assigned = Attribution enregistrée.
case-assign-unknown-team = Choisissez une équipe de cette organisation.
case-assign-unknown-agent = Choisissez un agent actif de cette organisation.
case-save-priority = Enregistrer la priorité
case-priority-saved = Priorité enregistrée.
case-document-checked = Pièce vérifiée.
case-filed = Dossier enregistré.
filing-title = { $kind ->
    [public] Saisir un dossier pour un usager
   *[private] Saisir une demande pour un client
}
filing-on-behalf = Pour qui la personne fait-elle cette démarche ?
filing-on-behalf-self = Pour elle-même
filing-requester = Usager
filing-born = né·e le { $date }
filing-change-person = Choisir une autre personne
filing-person-record = Ouvrir sa fiche
filing-find-person = Trouver la personne par nom, courriel, téléphone ou adresse
filing-nobody-found = Personne ne correspond à cette recherche. Vérifiez l’orthographe, cherchez par courriel ou téléphone, ou créez la personne.
filing-found = Personnes trouvées
filing-choose-person = Choisir { $name }
filing-new-person = Nouvelle personne
filing-procedure = Démarche et canal
filing-no-service = Aucune démarche publiée à votre portée n’est proposée par téléphone, au guichet, par courrier ou par courriel.
filing-service = Démarche
filing-service-none = Choisissez une démarche
filing-channel = Reçue par
filing-show-form = Afficher le formulaire
filing-form = La demande
filing-from-safe = Déjà dans son coffre-fort de documents :
filing-scan = Ajouter des fichiers numérisés
filing-submit = Enregistrer le dossier
filing-choose-service = Choisissez une démarche dans la liste.
filing-choose-channel = Choisissez comment la demande a été reçue.
filing-needs-organisation = Cette démarche se fait pour une organisation, et cette personne n’est rattachée à aucune : rattachez-la d’abord à son organisation sur sa fiche.
filing-attach-again = Les fichiers ne sont jamais gardés d’un formulaire renvoyé : joignez-les à nouveau.
filing-more-questions = Ces réponses appellent d’autres questions : complétez-les ci-dessous.
filing-filed-title = Dossier { $reference } enregistré
filing-filed-for = { $service }, pour { $name }.
filing-give-code = Donnez ce code à la personne avec la référence : ensemble, ils lui permettent de suivre le dossier en ligne (« Suivre une demande »), sans compte. Il n’est montré qu’une fois.
filing-no-ack = La personne n’a pas d’adresse de courriel enregistrée : aucun accusé de réception n’a été envoyé. Donnez-lui la référence et le code de suivi.
filing-open-case = Ouvrir le dossier
filing-another = { $kind ->
    [public] Saisir un autre dossier
   *[private] Saisir une autre demande
}
invalid-answers = Des réponses ne conviennent pas au formulaire de la démarche :

# Documents produced by a workflow step (PDF)
generated-reference = Dossier : { $reference }
generated-service = Démarche : { $service }
generated-requester = Au nom de : { $name }
generated-decision = Décision : { $decision }
generated-date = Établi le { $date }
generated-answers = Éléments de la demande :
generated-footer = Document établi par { $tenant }. Son authenticité peut être vérifiée auprès de { $tenant } avec la référence { $reference }.

## Bulk actions, routing, availability
bulk-title = Action sur plusieurs dossiers
bulk-legend = Action sur les dossiers cochés
bulk-hint = Cochez des dossiers dans le tableau, choisissez une action et sa valeur, puis appliquez. Chaque dossier est vérifié un par un ; la page suivante dit ce qui a été fait ou refusé, et pourquoi.
bulk-select = Sélection
bulk-select-case = Sélectionner { $reference }
bulk-action-assign = Attribuer à un agent
bulk-action-label = Ajouter des étiquettes
bulk-action-transition = Changer le statut
bulk-action-reply = Répondre avec une réponse type
bulk-assignee = Agent
bulk-labels = Étiquettes à ajouter (séparées par des virgules)
bulk-apply = Appliquer aux dossiers cochés
bulk-results = Ce qui a été fait pour chaque dossier
bulk-outcome = Résultat
bulk-detail = Détail
bulk-done = Fait
bulk-refused = Refusé
bulk-back = Retour à la liste
bulk-summary-done = { $count ->
    [0] aucun dossier traité
    [one] un dossier traité
   *[other] { $count } dossiers traités
}
bulk-summary-refused = { $count ->
    [0] aucun refusé
    [one] un refusé
   *[other] { $count } refusés
}
bulk-none-selected = Cochez au moins un dossier dans la liste.
bulk-too-many = Sélectionnez au plus 100 dossiers à la fois.
bulk-invalid-selection = La sélection est illisible : rechargez la liste et cochez à nouveau les dossiers.
bulk-action-required = Choisissez l'action à appliquer.
bulk-assignee-required = Choisissez l'agent à qui attribuer les dossiers.
bulk-labels-required = Saisissez au moins une étiquette à ajouter.
bulk-canned-required = Choisissez la réponse type à envoyer.
bulk-case-not-found = Ce dossier n'existe pas dans cette organisation.
bulk-stale = Quelqu'un a modifié ce dossier après le chargement de la liste : rien n'a été changé, ouvrez-le pour voir les nouveautés.
bulk-done-assign = Attribué.
bulk-done-label = Étiquettes ajoutées.
bulk-done-transition = Statut changé.
bulk-done-reply = Réponse envoyée.
case-assign-no-access = Cet agent n'a pas accès à ce service : il ne fait pas partie de l'équipe qui le traite.
perm-supervise = Tableau de supervision, réattribution, disponibilité des agents
perm-manage-automation = Règles de routage et d'automatisation
admin-routing = Routage
routing-title = Routage des nouveaux dossiers
routing-intro = Chaque service peut envoyer ses nouveaux dossiers à une équipe, puis à l'un de ses membres. Les agents absents ou ayant atteint leur capacité sont passés ; si personne ne peut prendre le dossier, il attend dans la file de l'équipe. Seuls les membres de l'équipe d'un service (et les superviseurs) peuvent se voir attribuer ses dossiers.
routing-no-services = Il n'y a pas encore de service.
routing-table = Services et leur routage
routing-none = Pas de règle : file des non attribués
routing-strategy = Choix de l'agent
routing-skill = Compétence requise
routing-edit-title = Routage
routing-team-hint = L'équipe qui traite les dossiers de ce service.
routing-skill-hint = Seulement pour « par compétence » : une compétence, écrite comme sur les fiches des agents (par ex. anglais).
routing-strategy-team_only = Équipe seulement
routing-strategy-round_robin = Chacun son tour
routing-strategy-least_loaded = Le moins chargé
routing-strategy-skills = Par compétence
routing-strategy-team_only-hint = Le dossier va dans la file de l'équipe ; ses membres le prennent.
routing-strategy-round_robin-hint = Chaque membre disponible à tour de rôle.
routing-strategy-least_loaded-hint = Le membre disponible qui a le moins de dossiers ouverts.
routing-strategy-skills-hint = Parmi les membres disponibles ayant la compétence, le moins chargé.
routing-delete = Supprimer la règle
routing-back = Retour au routage
routing-saved = La règle de routage est enregistrée.
routing-deleted = La règle de routage est supprimée : les nouveaux dossiers de ce service attendent dans la file des non attribués.
routing-team-required = Choisissez une équipe de cette organisation.
routing-strategy-invalid = Choisissez comment l'agent est choisi.
routing-skill-required = Saisissez la compétence que les agents doivent avoir.
routing-one-skill = Saisissez une seule compétence.
skill-too-long = Une compétence fait 40 caractères au plus.
skill-invalid = Une compétence ne peut pas contenir de caractères de contrôle.
skills-too-many = 20 compétences au plus.
capacity-invalid = Saisissez un nombre entier de 0 à 1000, ou laissez vide pour ne pas fixer de limite.
availability-invalid = Choisissez disponible ou absent.
availability-available = Disponible
availability-away = Absent
availability-you-available = Vous êtes disponible : de nouveaux dossiers peuvent vous être attribués.
availability-you-away = Vous êtes absent : aucun nouveau dossier ne vous est attribué.
availability-go-away = Passer en absent
availability-come-back = Redevenir disponible
availability-saved = Votre disponibilité est enregistrée.
board-title = Tableau de supervision
board-workload = Charge par agent
board-workload-caption = Dossiers ouverts de chaque agent, comparés à sa capacité
board-no-agents = Aucun agent ne peut encore recevoir de dossiers.
board-availability = Disponibilité
board-open = Dossiers ouverts
board-capacity = Capacité
board-full = complet
board-no-limit = sans limite
board-waiting = En attente du demandeur
board-at-risk = Délai menacé
board-breached = Délai dépassé
board-backlog = Stock par ancienneté
board-backlog-caption = Dossiers ouverts selon le temps écoulé depuis leur dépôt
board-age = Déposés
board-unassigned = Non attribués
board-age-0 = Il y a moins d'un jour
board-age-1 = Il y a 1 à 3 jours
board-age-2 = Il y a 3 à 7 jours
board-age-3 = Il y a 7 à 30 jours
board-age-4 = Il y a plus de 30 jours
board-risk = Dossiers à risque
board-risk-caption = Dossiers dont le délai est dépassé ou menacé, les plus anciens d'abord
board-no-risk = Aucun dossier n'est à risque.
board-reassign = Réattribuer
board-reassign-case = Agent pour { $reference }
board-reassigned = Le dossier est réattribué.
agent-title = Agent
agent-open-cases = { $count ->
    [0] Aucun dossier ouvert.
    [one] Un dossier ouvert.
   *[other] { $count } dossiers ouverts.
}
agent-capacity-hint = Nombre maximal de dossiers ouverts ; vide pour ne pas fixer de limite. Le routage passe un agent qui l'a atteint.
agent-skills = Compétences
agent-skills-hint = Séparées par des virgules (par ex. anglais, langue des signes).
agent-availability-saved = La disponibilité de l'agent est enregistrée.

## Portal accounts: sign-up, profile, notifications, deletion, single sign-on
admin-accounts = Comptes du portail
signup-link = Pas encore de compte ? Créer un compte
signup-title = Créer un compte
signup-intro = Un compte vous permet de suivre vos demandes et de retrouver vos brouillons et vos pièces. Nous vous enverrons un lien pour confirmer votre adresse e-mail.
signup-confirm-password = Confirmer le mot de passe
signup-submit = Créer mon compte
signup-have-account = Vous avez déjà un compte ? Se connecter
signup-sent-title = Vérifiez votre messagerie
signup-sent = Un e-mail vient d'être envoyé à { $email }. Ouvrez le lien qu'il contient dans les { $hours } heures pour activer votre compte.
signup-sent-spam = Pensez à vérifier vos courriers indésirables. Sans e-mail au bout de quelques minutes, vous pouvez recommencer.
signup-mail-subject = Confirmez votre adresse — { $tenant }
signup-mail-body = Bonjour,

    Pour activer votre compte { $tenant }, ouvrez ce lien (valable { $hours } heures, utilisable une seule fois) :

    { $link }

    Si vous n'avez pas demandé de compte, ignorez ce message : rien ne sera créé.
signup-exists-mail-subject = Votre compte — { $tenant }
signup-exists-mail-body = Bonjour,

    Une inscription au site { $tenant } vient d'être demandée avec votre adresse, qui a déjà un compte.
    Pour vous connecter : { $login }
    Mot de passe oublié : { $reset }

    Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien n'a changé.
signup-confirm-title = Confirmer votre adresse e-mail
signup-confirm-intro = Un dernier clic pour activer votre compte.
signup-confirm-button = Activer mon compte
signup-invalid = Ce lien n'est plus valable : il a déjà servi ou il a expiré. Recommencez l'inscription.
signup-done = Votre adresse est confirmée et votre compte est prêt. Bienvenue !
signup-exists = Un compte existe déjà pour cette adresse : connectez-vous, ou demandez un nouveau mot de passe.
profile-title = Mon profil
profile-intro = Ces informations sont celles que le service connaît de vous. Votre adresse e-mail sert à vous connecter.
profile-saved = Profil enregistré.
profile-link = Modifier mon profil
notifications-title = Notifications
notifications-intro = Pour chaque type d'événement, choisissez quand recevoir un e-mail. L'accusé de réception d'une demande est toujours envoyé.
notifications-link = Choisir mes notifications
notify-kind-status = Une de mes demandes change d'étape
notify-kind-message = Le service m'écrit au sujet d'une demande
notify-immediately = Immédiatement
notify-daily = Dans un résumé quotidien
notify-never = Jamais
notifications-saved = Préférences de notification enregistrées.
notifications-invalid = Choisissez « immédiatement », « dans un résumé quotidien » ou « jamais » pour chaque type d'événement.
digest-mail-subject = Votre résumé du jour — { $tenant }
digest-mail-intro = Bonjour,

    Voici ce qui s'est passé dans vos demandes depuis le dernier résumé :
digest-mail-outro = Vous recevez ce résumé parce que vous l'avez choisi dans vos préférences de notification : { $link }
delete-title = Supprimer mon compte
delete-link = Supprimer mon compte
delete-intro-pseudonymise = Votre compte sera supprimé et vos données personnelles (nom, coordonnées, consentements) remplacées par un pseudonyme. Vos demandes sont conservées, comme la loi l'exige, sans votre nom ni vos coordonnées.
delete-intro-keep-record = Votre compte sera supprimé. Le service conserve sa fiche vous concernant et vos demandes selon ses propres règles de conservation.
delete-confirm-password = Pour confirmer, saisissez votre mot de passe
delete-confirm-email = Pour confirmer, saisissez l'adresse e-mail de votre compte
delete-email-wrong = L'adresse saisie n'est pas celle de votre compte.
delete-button = Supprimer définitivement mon compte
account-deleted = Votre compte a été supprimé.
account-delete-staff = Les comptes du personnel sont retirés par un administrateur.
deletion-rule-title = Suppression des comptes du portail
deletion-rule-intro = Ce qu'il advient de la fiche d'une personne qui supprime son compte. Ses demandes sont toujours conservées.
deletion-rule-pseudonymise = Pseudonymiser la fiche (nom remplacé, coordonnées effacées)
deletion-rule-keep-record = Conserver la fiche selon nos règles de conservation
deletion-rule-invalid = Choisissez l'une des deux règles.
deletion-rule-saved = Règle de suppression enregistrée.
oidc-title = Connexion par un fournisseur d'identité (OpenID Connect)
oidc-intro = FranceConnect ou tout fournisseur compatible. Adresse de retour à déclarer chez le fournisseur : { $callback }
oidc-issuer = Émetteur (issuer)
oidc-client-id = Identifiant client
oidc-client-secret = Secret client
oidc-client-secret-hint = Laissez vide pour garder le secret enregistré.
oidc-label = Libellé du bouton de connexion
oidc-acr = Niveau demandé (acr_values, facultatif, par exemple eidas1)
oidc-enabled = Proposer cette connexion sur le portail
oidc-invalid-issuer = Saisissez l'adresse de l'émetteur : https://…, ou http:// sur la machine locale.
oidc-invalid-client-id = Saisissez l'identifiant client (1 à 200 caractères).
oidc-invalid-secret = Saisissez le secret client (1 à 500 caractères).
oidc-invalid-label = Saisissez le libellé du bouton (1 à 60 caractères).
oidc-invalid-acr = Le niveau demandé ne doit contenir que des lettres, chiffres, points, tirets et espaces.
oidc-saved = Fournisseur d'identité enregistré.
oidc-sign-in-with = Se connecter avec { $provider }
oidc-or = ou
oidc-failed = La connexion avec le fournisseur d'identité n'a pas abouti. Réessayez, ou connectez-vous avec votre adresse e-mail.
oidc-not-configured = La connexion par un fournisseur d'identité n'est pas proposée sur ce site.
admin-mail = Courriel sortant
mail-own = Les courriels de votre organisation partent par le serveur ci-dessous.
mail-instance = Aucun serveur propre : les courriels partent par le réglage de l'instance (ou sont écrits en fichiers .eml dans le dossier de données). Renseignez votre serveur SMTP pour qu'ils partent par lui.
mail-smtp-title = Serveur SMTP
mail-host = Serveur (nom ou adresse)
mail-port = Port
mail-tls = Chiffrement de la connexion
mail-tls-starttls = STARTTLS (port 587, le plus courant)
mail-tls-tls = TLS dès la connexion (port 465)
mail-tls-none = Aucun (seulement pour un relais sur la même machine)
mail-username = Identifiant
mail-password = Mot de passe
mail-password-kept = Un mot de passe est enregistré ; il n'est jamais affiché. Laissez vide pour le garder.
mail-forget-password = Oublier le mot de passe enregistré
mail-sender = Expéditeur
mail-sender-hint = Par exemple : Mairie de Belleville <ne-pas-repondre@belleville.fr>
mail-invalid-host = Saisissez le nom ou l'adresse du serveur (lettres, chiffres, points et tirets).
mail-invalid-port = Saisissez un port entre 1 et 65535.
mail-invalid-tls = Choisissez le chiffrement de la connexion.
mail-invalid-username = L'identifiant ne doit pas dépasser 200 caractères.
mail-invalid-password = Le mot de passe ne doit pas dépasser 500 caractères.
mail-invalid-sender = Saisissez l'expéditeur : une adresse, éventuellement précédée d'un nom (Nom <adresse>).
mail-saved = Le serveur de courriel est enregistré.
mail-cleared = Les courriels partent de nouveau par le réglage de l'instance.
mail-test-title = Vérifier l'envoi
mail-test-send = M'envoyer un courriel d'essai
mail-test-sent = Le courriel d'essai est parti : vérifiez votre messagerie.
mail-test-failed = Le serveur n'a pas accepté le courriel d'essai. Vérifiez le serveur, le port, le chiffrement et les identifiants.
mail-test-subject = Courriel d'essai de { $tenant }
mail-test-body = Ce courriel vérifie que les messages de { $tenant } partent bien. Aucune action n'est nécessaire.
mail-clear-title = Revenir au réglage de l'instance
mail-clear-intro = Vos réglages sont effacés, mot de passe compris.
mail-outbox-title = Derniers courriels
mail-outbox-intro = Chaque courriel est d'abord écrit ici, puis envoyé en arrière-plan par le serveur en vigueur à ce moment. Un serveur qui ne répond pas est réessayé, avec une attente plus longue à chaque fois (jusqu'à 8 tentatives) ; un message que le serveur refuse définitivement n'est pas réessayé.
mail-outbox-empty = Aucun courriel pour l'instant.
mail-outbox-caption = Les 50 derniers courriels, du plus récent au plus ancien
mail-outbox-when = Écrit le
mail-outbox-to = Destinataire
mail-outbox-subject = Objet
mail-outbox-state = État
mail-outbox-attempts = Tentatives
mail-outbox-reason = Motif du dernier échec
mail-outbox-queued = En attente d'envoi
mail-outbox-retry = Pas encore envoyé : prochaine tentative le { $date }
mail-outbox-sending = En cours d'envoi
mail-outbox-sent = Envoyé
mail-outbox-failed = Échec : non envoyé
mail-clear = Utiliser le réglage de l'instance

event-automation = Automatisation
admin-automation = Automatisation
automation-title = Règles d'automatisation
automation-intro = Une règle agit seule sur les dossiers : quand un dossier est déposé, change de statut ou reçoit un message du demandeur, ou quand il attend depuis quelques jours. Chaque exécution est inscrite dans l'historique du dossier, avec ce qu'a fait chaque action.
automation-new = Nouvelle règle
automation-none = Il n'y a pas encore de règle.
automation-table = Règles d'automatisation
automation-name = Nom
automation-when = Quand
automation-trigger = Événement
automation-actions = Actions
automation-state = État
automation-runs = Exécutions
automation-enabled = Active
automation-disabled = Désactivée
automation-edit-title = Règle d'automatisation
automation-delay = Nombre de jours
automation-delay-hint = Seulement pour les règles qui attendent (1 à 365 jours).
automation-conditions = Sur quels dossiers
automation-conditions-hint = Laissez une condition vide pour qu'elle vaille pour tous les dossiers.
automation-status = Statut (son identifiant)
automation-id-hint = L'identifiant affiché dans le circuit de la démarche (par ex. waiting_documents).
automation-actions-hint = Les actions sont faites dans cet ordre ; remplissez-en au moins une.
automation-delete = Supprimer la règle
automation-back = Retour aux règles
automation-saved = La règle est enregistrée.
automation-deleted = La règle est supprimée.
automation-trigger-case_created = Un dossier est déposé
automation-trigger-status_changed = Un dossier change de statut
automation-trigger-message_received = Le demandeur envoie un message
automation-trigger-waiting_days = Le dossier attend le demandeur depuis quelques jours
automation-trigger-idle_days = Le dossier reste dans le même statut depuis quelques jours
automation-trigger-case_created-n = Un dossier est déposé
automation-trigger-status_changed-n = Un dossier change de statut
automation-trigger-message_received-n = Le demandeur envoie un message
automation-trigger-waiting_days-n = { $count ->
    [one] En attente du demandeur depuis un jour
   *[other] En attente du demandeur depuis { $count } jours
}
automation-trigger-idle_days-n = { $count ->
    [one] Dans le même statut depuis un jour
   *[other] Dans le même statut depuis { $count } jours
}
automation-action-assign = Attribuer à (un superviseur, pour escalader)
automation-action-label = Ajouter l'étiquette
automation-action-set_priority = Fixer la priorité
automation-action-send_template = Envoyer la réponse type au demandeur
automation-action-transition = Déclencher la transition (son identifiant)
automation-name-required = Donnez un nom à la règle.
automation-name-too-long = Un nom fait 100 caractères au plus, sans caractère de contrôle.
automation-name-taken = Une autre règle porte déjà ce nom.
automation-trigger-invalid = Choisissez l'événement qui déclenche la règle.
automation-delay-invalid = Saisissez un nombre de jours de 1 à 365.
automation-service-invalid = Choisissez un service de cette organisation.
automation-label-invalid = Une étiquette fait 40 caractères au plus, sans virgule.
automation-id-invalid = Un identifiant ne contient que des lettres, des chiffres, _ et -.
automation-action-required = Choisissez au moins une action.
automation-ran = Règle « { $rule } »
shortcuts-title = Raccourcis clavier
shortcuts-intro = Avec JavaScript activé, ces touches agissent sur la page (pas pendant la saisie dans un champ). Chaque action reste possible avec les commandes habituelles.
shortcuts-enable = Utiliser les raccourcis clavier dans ce navigateur
shortcut-reply = Écrire une réponse au demandeur
shortcut-note = Écrire une note interne
shortcut-status = Changer le statut
shortcut-assign = Attribuer le dossier
shortcut-priority = Changer la priorité
shortcut-labels = Modifier les étiquettes
shortcut-list = Revenir à la liste des dossiers
shortcut-help = Afficher ces raccourcis
shortcut-next-previous = Dossier suivant / précédent dans la liste
shortcut-tick = Cocher ou décocher le dossier courant
shortcut-bulk = Aller à l'action sur les dossiers cochés
shortcut-search = Chercher une référence

## Working together on a case: mentions, links, merges, followers, print, notifications
event-linked = Lien avec un autre dossier
event-unlinked = Lien retiré
event-merged = Fusion de doublons
event-detail-mentions = mentionne { $names }
event-detail-merged-into = fusionné dans { $reference }
event-detail-merged-from = { $reference } fusionné dans ce dossier
case-action-link = a ajouté un lien
case-action-unlink = a retiré un lien
case-action-merge = a fusionné des dossiers
case-link-side-related = Lié à
case-link-side-duplicate_of = Doublon de
case-link-side-duplicated_by = A pour doublon
case-link-side-parent_of = Parent de
case-link-side-child_of = Enfant de
case-link-choice-related = Ce dossier est lié à…
case-link-choice-duplicate_of = Ce dossier est un doublon de…
case-link-choice-duplicated_by = Ce dossier a pour doublon…
case-link-choice-parent_of = Ce dossier est le parent de…
case-link-choice-child_of = Ce dossier est un enfant de…
case-links = Dossiers liés
case-no-links = Aucun dossier lié.
case-link-kind = Type de lien
case-link-reference = Référence de l'autre dossier
case-reference-hint = Par exemple ALPHA-2026-7KQ2M9XD.
case-link = Lier
case-unlink = Retirer le lien
case-linked = Lien ajouté.
case-unlinked = Lien retiré.
case-link-kind-unknown = Choisissez un type de lien dans la liste.
case-link-unknown = Aucun dossier de cette référence n'est accessible ici.
case-link-self = Un dossier ne peut pas être lié à lui-même.
case-link-exists = Ces deux dossiers sont déjà liés ; retirez le lien pour le changer.
case-merge-title = Fusionner ce doublon
case-merge-reference = Référence du dossier principal
case-merge-hint = Ce dossier sera clos comme fusionné dans le dossier principal ; ses messages, pièces et historique resteront consultables depuis le dossier principal.
case-merge = Fusionner dans le dossier principal
case-merged = Dossier fusionné dans le dossier principal.
case-merged-into = Ce dossier a été fusionné dans le dossier
case-merged-from = Doublons fusionnés dans ce dossier :
case-merge-unknown = Aucun dossier de cette référence n'est accessible ici.
case-merge-self = Un dossier ne peut pas être fusionné dans lui-même.
case-merge-already = Ce dossier a déjà été fusionné.
case-merge-into-merged = Le dossier principal a lui-même été fusionné : fusionnez dans le dossier qui l'a absorbé.
case-merge-no-access = Vous n'avez pas accès au dossier principal : la fusion est refusée.
case-merge-no-closed-status = La démarche de ce dossier n'a aucun statut de clôture : il ne peut pas être fusionné.
case-no-access = Vous n'avez pas accès à ce dossier.
case-followers = Suivi par
case-also-open = Également ouvert par ces collègues dans les { $minutes } dernières minutes : convenez de qui agit avant de répondre ou de modifier le dossier.
case-follow = Suivre ce dossier
case-unfollow = Ne plus suivre ce dossier
case-follow-hint = Vous serez prévenu·e des nouveaux messages et changements de statut.
case-followed = Vous suivez ce dossier.
case-unfollowed = Vous ne suivez plus ce dossier.
case-mention-hint = Pour prévenir un collègue, mentionnez-le : { $handles }.
case-mention-unknown = Une mention ne désigne aucun agent pouvant voir ce dossier.
case-mention-unknown-named = Personne ne peut être mentionné ici sous { $handles } : seuls les agents de cet espace qui voient ce dossier peuvent l'être, par la partie de leur adresse e-mail avant @. La note n'a pas été enregistrée.
case-print = Version imprimable
case-print-back = Retour au dossier
case-print-hint = Utilisez la commande Imprimer de votre navigateur.
case-printed-at = Imprimé le { $date }
case-requester-name = Nom
mention-mail-subject = [{ $reference }] { $actor } vous a mentionné·e
mention-mail-text = { $actor } vous a mentionné·e dans une note interne du dossier { $reference } :

    { $note }

    Ouvrir le dossier : { $link }
notifications-unread = { $count ->
    [0] Aucune notification non lue.
    [one] Une notification non lue.
   *[other] { $count } notifications non lues.
}
notifications-unread-short = { $count ->
    [one] non lue
   *[other] non lues
}
notifications-mark-read = Tout marquer comme lu
notifications-all-read = Toutes les notifications sont lues.
notifications-none = Aucune notification pour l'instant.
notifications-new = Nouveau
notification-mention = { $actor } vous a mentionné·e
notification-message = Nouveau message sur un dossier suivi ({ $actor })
notification-status = Changement de statut d'un dossier suivi ({ $actor })
notification-merged = Fusion sur un dossier suivi ({ $actor })

## Canned responses (administration)
admin-canned = Réponses types
canned-admin-title = Réponses types
canned-admin-intro = Les agents partent de ces réponses sur la page d'un dossier, dans les actions sur plusieurs dossiers et dans les règles d'automatisation. Les variables sont remplacées par les valeurs du dossier au moment de l'envoi.
canned-none = Aucune réponse type pour l'instant.
canned-title = Titre
canned-body = Texte
canned-body-hint = Les variables s'écrivent entre accolades, par exemple {"{"}reference{"}"}.
canned-french = En français (obligatoire)
canned-english = En anglais
canned-english-hint = Facultatif : un demandeur qui lit l'anglais reçoit ce texte ; sans lui, il reçoit le texte français.
canned-no-english = Français seulement
canned-updated = Modifiée le
canned-create = Créer la réponse type
canned-save = Enregistrer
canned-back = Toutes les réponses types
canned-edit-title = Réponse type « { $title } »
canned-delete-title = Supprimer
canned-delete-hint = Les réponses déjà envoyées restent dans l'historique des dossiers ; une règle d'automatisation qui l'utilise ne pourra plus l'envoyer.
canned-delete = Supprimer cette réponse type
canned-created = Réponse type créée.
canned-saved = Réponse type enregistrée.
canned-deleted = Réponse type supprimée.
canned-title-taken = Une autre réponse type porte déjà ce titre.
canned-variables = Variables
canned-variables-intro = Un texte peut utiliser ces variables ; une variable inconnue est refusée à l'enregistrement.
canned-variable-reference = la référence du dossier
canned-variable-given_name = le prénom du demandeur
canned-variable-family_name = le nom du demandeur
canned-variable-service = le titre de la démarche, dans la langue du demandeur
canned-variable-agent_name = le nom de l'agent qui répond
canned-variable-organisation = l'organisation pour laquelle la demande est faite

## Knowledge articles and information pages
admin-articles = Articles d'information
articles-admin-title = Articles d'information
articles-admin-intro = Les articles publics publiés forment les pages d'information du portail ; les articles internes ne sont lus que par le personnel. Un article commence en brouillon.
articles-none = Aucun article pour l'instant.
articles-back = Retour aux articles
article-create = Créer l'article
article-edit = Modifier
article-edit-title = Article : { $title }
article-slug = Adresse courte
article-slug-hint = Lettres minuscules, chiffres et tirets, par exemple « carte-identite » : la page sera /information/carte-identite.
article-slug-invalid = Saisissez une adresse courte de 2 à 64 caractères : lettres minuscules, chiffres et tirets, en commençant par une lettre.
article-slug-taken = Un autre article utilise déjà cette adresse courte.
article-category = Catégorie
article-category-hint = Comme celles du catalogue, par exemple « etat-civil » ou « proprete ».
article-category-required = Saisissez une catégorie.
article-category-invalid = La catégorie ne peut contenir que des lettres minuscules, des chiffres et des tirets.
article-visibility = Visibilité
article-visibility-public = Public : sur les pages d'information du portail
article-visibility-internal = Interne : lu seulement par le personnel
article-visibility-public-short = Public
article-visibility-internal-short = Interne
article-visibility-invalid = Choisissez qui peut lire l'article.
article-french = En français
article-english = En anglais (facultatif)
article-english-hint = Sans texte anglais, les lecteurs en anglais voient le texte français.
article-title = Titre
article-title-required = Saisissez un titre.
article-title-too-long = Le titre doit faire au plus 150 caractères, sans caractère de contrôle.
article-english-title-required = Un texte anglais a besoin de son titre.
article-english-body-required = Un titre anglais a besoin de son texte.
article-body = Texte
article-body-hint = Une ligne vide sépare les paragraphes. « ## » en début de ligne fait un intertitre, « - » un élément de liste, « 1. » une liste numérotée ; [mots](https://adresse) fait un lien. Le HTML est affiché tel quel, jamais interprété.
article-body-required = Saisissez le texte de l'article.
article-body-too-long = Le texte doit faire au plus 20 000 caractères, sans caractère de contrôle.
article-services = Démarches concernées
article-services-hint = L'article publié apparaît dans « Bon à savoir » sur la page de ces démarches.
article-state = État
article-state-published = Publié
article-state-draft = Brouillon
article-updated = Mis à jour
article-is-draft = Brouillon : personne ne le voit en dehors de l'administration.
article-is-published-public = Publié, visible de tous à l'adresse
article-is-published-internal = Publié pour le personnel seulement.
article-publish = Publier
article-unpublish = Repasser en brouillon
article-preview = Aperçu du texte français enregistré
article-delete-title = Supprimer l'article
article-delete-hint = L'article disparaît des pages d'information et des démarches. Cette action est définitive.
article-delete = Supprimer
article-created = Article créé, en brouillon.
article-saved = Article enregistré.
article-published = Article publié.
article-unpublished = Article repassé en brouillon.
article-deleted = Article supprimé.
information-title = Informations pratiques
information-intro = Ce qu'il faut savoir, classé par thème.
information-none = Aucune page d'information pour l'instant.
information-staff-hint = Vous êtes connecté en tant que membre du personnel : les articles internes sont aussi listés.
information-found = Pages d'information
information-home-link = Toutes les informations pratiques
article-internal-notice = Article interne : réservé au personnel.
article-in-french = Cette page n'est pas encore traduite : voici le texte français.
article-related-services = Démarches liées
article-updated-on = Mis à jour le { $date }.
article-good-to-know = Bon à savoir
backoffice-knowledge-link = Articles d'information (publics et internes)
