# Interface — English
skip-to-content = Skip to content
main-nav = Main navigation
language = Language
sign-in = Sign in
sign-out = Sign out
sign-in-staff = Staff sign-in
sign-in-portal = Sign in to your space
email = Email address
password = Password
new-password = New password
new-password-hint = At least { $min } characters. A phrase of several words is easier to remember.
current-password = Current password
confirm-password = Confirm the new password
forgot-password = Forgot your password?
save = Save
create = Create
cancel = Cancel
back-office = Back office
administration = Administration
my-account = My account
home = Home
footer-powered = Powered by Relais, free software.
required = required
yes = Yes
no = No
actions = Actions
form-has-errors = { $count ->
    [one] The form has one error.
   *[other] The form has { $count } errors.
}
welcome-public = Welcome to the online services of { $tenant }
welcome-private = Welcome to the { $tenant } customer space
welcome-intro-public = Apply online, follow your requests and talk with the services.
welcome-intro-private = Follow your requests, talk with our advisers and find your documents.
portal-signed-in = You are signed in as { $name }.
staff-access = Staff access
backoffice-title = Dashboard
backoffice-hello = Hello { $name }.
backoffice-role = Your role: { $role }.
backoffice-teams = Your teams: { $teams }.
backoffice-no-team = You are not in any team.
backoffice-empty = No cases yet.

# Roles
role-admin = Administrator
role-supervisor = Supervisor
role-agent = Agent
role-viewer = Viewer
role-admin-desc = Everything: settings, accounts, teams, audit log, and the agents' work.
role-supervisor-desc = Handles cases, manages teams and reads the audit log.
role-agent-desc = Handles the cases open to them.
role-viewer-desc = Reads without changing anything.
perm-use-back-office = Open the back office
perm-write = Change cases and records
perm-manage-tenant = Organisation settings
perm-manage-staff = Staff accounts
perm-manage-teams = Teams
perm-read-audit = Audit log
perm-manage-catalogue = Service catalogue

# Sign-in and security
login-failed = Wrong email address or password.
login-locked = Too many failed attempts: this account is locked for { $minutes } minutes. You can reset your password.
rate-limited = Too many attempts from your connection. Try again in a minute.
signed-out = You are signed out.
totp-title = Two-step verification
totp-code = 6-digit code from your authenticator app
totp-invalid = This code is not valid or was already used. Type the code shown now.
totp-setup-title = Turn on two-step verification
totp-setup-intro = Scan this QR code with an authenticator app (for example FreeOTP, Aegis or Google Authenticator), then type the code it shows.
totp-secret-manual = Or type this key by hand:
totp-required = Your organisation requires two-step verification. Turn it on to go on.
totp-enabled = Two-step verification is on.
totp-disabled = Two-step verification is off.
totp-enable = Turn on
totp-disable = Turn off two-step verification
totp-now-enabled = Two-step verification is now on.
totp-now-disabled = Two-step verification is now off.
totp-cannot-disable = Your organisation requires two-step verification: you cannot turn it off.
forgot-title = Forgotten password
forgot-intro = Give your account's email address: we will send you a link to choose a new password. The link works for { $minutes } minutes and only once.
forgot-send = Send the link
forgot-sent = If an account exists for this address, an email has just been sent to it. Check your spam folder too.
reset-title = Choose a new password
reset-invalid = This link no longer works: it was already used or it has expired. Ask for a new link.
reset-done = Your password has been changed. You can sign in.
reset-mail-subject = Reset your password — { $tenant }
reset-mail-body = Hello,

    Someone asked to reset the password of your { $tenant } account.
    To choose a new password, open this link (it works for { $minutes } minutes, and only once):

    { $link }

    If you did not ask for this, ignore this message: your password stays as it is.
password-changed = Your password has been changed. Your other sessions have been closed.
password-wrong = The current password is wrong.
account-title = My account
account-language = Interface language
account-security = Security
account-change-password = Change password
account-saved = Your preferences are saved.
api-tokens = API tokens
api-tokens-intro = A token lets a program use the API on your behalf, with your rights. It is shown only once: copy it now.
api-token-name = Token name
api-token-create = Create a token
api-token-created = Here is your new token. Copy it: it will not be shown again.
api-token-revoke = Revoke
api-token-revoked = The token has been revoked.
api-token-none = No tokens.
api-token-last-used = Last used
api-token-never = never
api-token-status-revoked = revoked on { $date }
created-at = Created on

# Errors
error-title = Error
error-not-found = This page does not exist or you do not have access to it.
error-forbidden = You are not allowed to do this.
error-csrf = This form has expired or does not come from this site. Reload the page and try again.
error-too-large = What you sent is too large.
error-unknown-site = No space matches this address.
error-internal = Something went wrong on our side. Try again in a moment; if it goes on, contact the administrator.
error-method = This action is not possible here.
error-sign-in-needed = Sign in to open this page.
error-back-home = Back to the home page
error-bad-request = The request is incomplete or malformed.
error-conflict = This already exists.
error-last-admin = Not possible: the organisation must keep at least one active administrator.

# Validation
invalid-email = Enter a valid email address, for example name@example.com.
password-too-short = The password must have at least 12 characters.
password-too-long = The password must have at most 256 characters.
password-mismatch = The two passwords are not the same.
invalid-display-name = Enter a name (120 characters at most).
invalid-team-name = Enter a team name (80 characters at most).
invalid-role = Choose a role from the list.
invalid-tenant-name = The name must have 2 to 120 characters.
invalid-time-zone = Enter a time zone such as Europe/Paris.
invalid-locale = Choose French or English.
invalid-colour = Enter a colour as #rrggbb, for example #1f4e8c.
colour-contrast-too-low = This colour is too light: white text on it would not be readable (contrast below 4.5:1). Choose a darker colour.
invalid-logo = The logo must be a PNG or JPEG image of 200 KB at most.
invalid-token-name = Enter a name of 1 to 80 characters.
email-taken = An account already uses this email address.
team-taken = A team already has this name.
invalid-member = One of the chosen members is not an agent of this organisation.

# Administration
admin-settings = Settings
admin-staff = Staff
admin-teams = Teams
admin-roles = Roles
admin-audit = Audit log
settings-title = Organisation settings
settings-saved = The settings are saved.
tenant-name = Organisation name
tenant-kind = Kind
tenant-kind-public = Local authority or administration (citizens)
tenant-kind-private = Company (customers)
default-locale = Default language
time-zone = Time zone
primary-colour = Main colour
primary-colour-hint = Format #rrggbb. White text on it must stay readable (contrast of at least 4.5:1).
contact-email = Contact address
require-totp = Require two-step verification for all staff
logo = Logo
logo-hint = PNG or JPEG, 200 KB at most.
logo-upload = Upload the logo
logo-saved = The logo is saved.
hosts = Site addresses
staff-title = Staff
staff-create = Add a staff member
staff-created = The account of { $name } is created. A link to choose a password has been sent to them.
staff-edit = Edit
staff-saved = The account is saved.
staff-send-reset = Send a password reset link
staff-reset-sent = A reset link has been sent.
display-name = Name
role = Role
teams = Teams
status = Status
active = active
disabled = disabled
locked = locked
account-disabled = Account disabled
two-factor = Two-factor
teams-title = Teams
team-name = Team name
team-create = Create the team
team-created = The team is created.
team-members = Members
team-saved = The team is saved.
team-delete = Delete the team
team-deleted = The team is deleted.
team-members-count = { $count ->
    [0] no members
    [one] 1 member
   *[other] { $count } members
}
roles-title = Roles and rights
roles-intro = Roles are fixed; every staff member has one. This table shows what each allows.
audit-title = Audit log
audit-intro = Every change, and every time staff look at personal data, is recorded here. The log can be neither changed nor erased.
audit-when = Date
audit-actor = By
audit-action = Action
audit-target = Item
audit-details = Details
audit-ip = IP address
audit-filter = Filter
audit-all-actions = All actions
audit-from = From
audit-until = Until
audit-none = No records match.
audit-older = Older

# Administration (pages)
admin-nav = Administration sections
logo-current = Current logo
logo-none = No logo yet.
staff-invited = The account is created. A link to choose a password has been sent to them.
staff-create-intro = The account is created without a password: the person receives a link by e-mail to choose their own.
staff-edit-title = Account of { $name }
staff-back = Back to the staff list
teams-none = No teams yet.
team-edit-title = Team { $name }
team-delete-hint = The members remain staff of the organisation; only the team goes.
teams-back = Back to the team list
roles-table = Rights of each role
roles-permission = Right
audit-all-actors = Everyone
audit-target-id = Item id
audit-pages = Log pages
audit-newest = Newest
audit-bad-action = Choose an action from the list.
audit-bad-actor = Choose someone from the list.
audit-bad-target = The id must be 200 characters at most, without control characters.
invalid-date = Enter a date as YYYY-MM-DD, for example 2026-03-31.
audit-bad-range = The end date must be on or after the start date.
audit-bad-cursor = The link to older pages is not valid. Run the filter again.
invalid-team = One of the chosen teams does not exist in this organisation.

# Service catalogue (administration)
admin-catalogue = Catalogue
catalogue-title = Service catalogue
catalogue-services = Services of the catalogue
catalogue-none = No services yet.
catalogue-create = Create a service
catalogue-create-intro = The service starts with a minimal definition (one page, one field, a workflow and a service level) that can be published at once; then build its form and rules.
catalogue-created = The service is created as a draft.
catalogue-saved = The service is saved.
catalogue-published = The version is published: new requests are filed under it.
catalogue-archived = The service is archived: it no longer appears in the catalogue.
catalogue-imported = The definition is imported as the draft.
catalogue-draft-saved = The draft is saved.
catalogue-draft-unreadable = This version's definition cannot be read by the builder. Import a valid definition on the service page.
catalogue-back = Back to the catalogue
catalogue-service-title = Service
catalogue-category = Category
catalogue-category-hint = For example: civil status, roads, billing.
catalogue-audience = Audience
catalogue-audience-hint = Who the service is for, for example: residents, companies, associations.
catalogue-state = State
catalogue-state-draft = draft
catalogue-state-published = published
catalogue-state-archived = archived
catalogue-published-version = Published version
catalogue-draft-version = Draft version
catalogue-slug = Short name (in addresses)
catalogue-slug-hint = Lowercase letters, digits and hyphens, for example birth-certificate.
catalogue-title-fr = Title in French
catalogue-title-en = Title in English
catalogue-description-fr = Description in French
catalogue-description-en = Description in English
catalogue-channels = Channels
catalogue-channel-portal = Online portal
catalogue-channel-email = E-mail
catalogue-channel-phone = Phone
catalogue-channel-counter = Counter
catalogue-channel-letter = Letter
catalogue-channel-chat = Chat
catalogue-channel-open311 = Open311
catalogue-who = Who may file a request
catalogue-who-anyone = Anyone
catalogue-who-signed_in = Signed-in users
catalogue-who-organisations = Organisations
catalogue-invalid-slug = Enter 2 to 64 lowercase letters, digits and single hyphens, starting with a letter.
catalogue-slug-taken = Another service already has this short name.
catalogue-invalid-title = Enter a title of 1 to 200 characters.
catalogue-invalid-title-en = The English title must be 200 characters at most.
catalogue-invalid-description = The description must be 5000 characters at most.
catalogue-invalid-category = Enter a category of 1 to 80 characters.
catalogue-invalid-audience = The audience must be 80 characters at most.
catalogue-invalid-channels = Choose at least one channel from the list.
catalogue-invalid-who = Choose who may file a request.
catalogue-tabs = Sections of the service
catalogue-tab-overview = Overview
catalogue-tab-form = Form
catalogue-tab-documents = Documents
catalogue-tab-workflow = Workflow
catalogue-tab-sla = Service levels
catalogue-none-yet = none yet
catalogue-no-draft-short = none
catalogue-no-draft = There is no draft to publish.
catalogue-no-draft-hint = There is no draft: the builder opens a new version when you change the form or the rules.
catalogue-publish = Publish
catalogue-publish-ready = Version { $version } is complete and can be published.
catalogue-publish-not-ready = Version { $version } cannot be published yet:
catalogue-publish-version = Publish version { $version }
catalogue-publish-refused = { $count ->
    [one] Nothing was published: the definition has one error.
   *[other] Nothing was published: the definition has { $count } errors.
}
catalogue-versions = Versions
catalogue-version = Version
catalogue-version-draft = draft
catalogue-version-published = published
catalogue-version-superseded = superseded
catalogue-created-at = Created
catalogue-published-at = Published
catalogue-export = Export
catalogue-export-version = Download version { $version } (JSON)
catalogue-export-current = Download the current definition (JSON).
catalogue-import = Import a definition
catalogue-import-intro = A JSON definition (see the documentation of its format) replaces the draft. It is checked first: if anything is wrong, nothing is saved.
catalogue-import-file = JSON file
catalogue-import-text = Or paste the definition
catalogue-import-submit = Import
catalogue-import-empty = Choose a file or paste a definition.
catalogue-import-too-large = The definition must be 1 MB at most.
catalogue-import-refused = { $count ->
    [one] Nothing was imported: the definition has one error.
   *[other] Nothing was imported: the definition has { $count } errors.
}
catalogue-meta = Description
catalogue-archive = Archive the service
catalogue-archive-hint = The service leaves the catalogue; its versions and requests are kept. Publishing a version brings it back.
catalogue-checklist = What is left to do
catalogue-checklist-ok = The definition is complete: it can be published.
catalogue-checklist-count = { $count ->
    [one] One error remains:
   *[other] { $count } errors remain:
}
catalogue-editing-draft = You are editing the draft, version { $version }.
catalogue-editing-new = Version { $version } is published: your changes make a new draft version.
