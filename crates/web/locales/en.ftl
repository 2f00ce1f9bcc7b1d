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
perm-merge-persons = Merge duplicate records
perm-manage-segments = Create and change segments
perm-manage-custom-fields = Custom fields of records

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

# Calendar
admin-calendar = Calendar
calendar-title = Opening hours and days
calendar-intro = Time limits (first responses, handling, deadlines) count in business time: during these hours, except public holidays and closures.
calendar-hours = Opening hours
calendar-morning = Morning
calendar-afternoon = Afternoon
calendar-from = From
calendar-to = To
calendar-public-holidays = Closed on French public holidays
calendar-closures = Exceptional closures
calendar-no-closure = No exceptional closures.
calendar-label = Reason
calendar-add-closure = Add the closure
calendar-remove = Remove
calendar-holidays = Public holidays this year and next
calendar-saved = The calendar is saved.
calendar-incomplete-interval = Give both the opening and the closing time, or leave both empty.
calendar-invalid-time = Enter a time as HH:MM.
calendar-inverted = The closing time must come after the opening time.
calendar-overlap = The morning and afternoon hours overlap.
calendar-never-open = The calendar must open at least one day a week.
calendar-closure-inverted = The end of the closure must come after its start.
calendar-invalid-date = Enter a valid date.
calendar-label-required = Give the reason for the closure (120 characters at most).
weekday-0 = Monday
weekday-1 = Tuesday
weekday-2 = Wednesday
weekday-3 = Thursday
weekday-4 = Friday
weekday-5 = Saturday
weekday-6 = Sunday

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
catalogue-changes = Changes since the published version
catalogue-changes-intro = What the draft changes from the published version. Marked changes may make answers already given invalid.
catalogue-change-affects-answers = may invalidate answers in progress
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

# Catalogue builder: form
catalogue-pages = Pages
catalogue-no-pages = The form has no page yet.
catalogue-no-fields = This page has no field yet.
catalogue-page-n = Page { $n }
catalogue-fields-of = Fields of page { $n }
catalogue-page-id = Page id
catalogue-id-hint = Lowercase letters, digits and _, starting with a letter, for example birth_date.
catalogue-add-page = Add a page
catalogue-edit-page = Rename, move or delete page { $n }
catalogue-delete-page = Delete this page and its fields
catalogue-move-page-up = Move the page up
catalogue-move-page-down = Move the page down
catalogue-add-field-to = Add a field to page { $n }
catalogue-add-field = Add the field
catalogue-field-id = Field id
catalogue-field-label = Label
catalogue-field-kind = Kind
catalogue-field-kind-is = Kind: { $kind }
catalogue-field-required = Answer required
catalogue-field-title = Field { $id }
catalogue-back-to-form = Back to the form
catalogue-label-fr = Label in French
catalogue-label-en = Label in English
catalogue-help-fr = Help text in French
catalogue-help-en = Help text in English
catalogue-text-fr = Text in French
catalogue-text-en = Text in English
catalogue-show-if = Shown if
catalogue-move-up = Up
catalogue-move-down = Down
catalogue-delete = Delete
catalogue-kind-short_text = Short text
catalogue-kind-long_text = Long text
catalogue-kind-number = Number
catalogue-kind-date = Date
catalogue-kind-email = E-mail address
catalogue-kind-phone = Phone number
catalogue-kind-postal_address = Postal address
catalogue-kind-single_choice = Single choice
catalogue-kind-multiple_choice = Multiple choice
catalogue-kind-yes_no = Yes or no
catalogue-kind-file = File
catalogue-kind-group = Repeatable group
catalogue-kind-explanation = Explanatory text
catalogue-prefill = Prefilled from the person's profile
catalogue-prefill-none = Not prefilled
catalogue-prefill-given_name = Given name
catalogue-prefill-family_name = Family name
catalogue-prefill-email = E-mail address
catalogue-prefill-phone = Phone number
catalogue-prefill-address = Postal address
catalogue-prefill-birth_date = Date of birth
catalogue-max-length = Maximum length (characters)
catalogue-empty-default = Leave empty for the default.
catalogue-empty-none = Leave empty for no limit.
catalogue-min = Minimum
catalogue-max = Maximum
catalogue-min-selections = Fewest choices
catalogue-max-selections = Most choices
catalogue-min-items = Fewest repetitions
catalogue-max-items = Most repetitions
catalogue-date-bound-hint = A date as YYYY-MM-DD, or a number of days from the day of the request (-36500 for a hundred years ago, +30 for a month ahead). Leave empty for no limit.
catalogue-integer = Whole numbers only
catalogue-options = Options
catalogue-options-hint = One option per line: value | French label | English label. The English label may be left out.
catalogue-accept = Allowed file types
catalogue-accept-hint = MIME types separated by commas, for example application/pdf, image/*.
catalogue-max-size = Largest file (bytes)
catalogue-max-size-hint = For example 10485760 for 10 MB.
catalogue-max-count = Most files
catalogue-group-hint = The fields each repetition asks for (children, vehicles…). A group cannot contain another group.
catalogue-sub-fields = Fields of the group
catalogue-add-sub-field = Add a field to the group
catalogue-back-to-group = Back to the group
catalogue-condition = Condition
catalogue-condition-hint = Show this field only when an earlier answer matches.
catalogue-condition-field = Earlier field
catalogue-condition-always = Always shown
catalogue-condition-keep = Keep the imported condition:
catalogue-condition-op = Test
catalogue-op-equals = equals
catalogue-op-not-equals = does not equal
catalogue-op-is-answered = is answered
catalogue-op-in = is one of
catalogue-op-is-not-answered = is not answered
catalogue-op-greater-than = is greater than (number, date)
catalogue-op-less-than = is less than (number, date)
catalogue-condition-current = Current condition:
catalogue-condition-combine = Shown when
catalogue-condition-all = all of these tests hold
catalogue-condition-any = any of these tests holds
catalogue-condition-test-n = Test { $n }
catalogue-condition-no-test = No test
catalogue-page-condition-hint = Show this page only when answers on earlier pages match.
catalogue-page-condition-link = Condition of page { $n }
catalogue-invalid-comparison = Greater than and less than only apply to numbers and dates.
catalogue-condition-value = Value
catalogue-condition-value-hint = For a choice, the option's value; for yes or no: yes or no; for a date: YYYY-MM-DD; for "is one of": values separated by |; ignored for "is answered".
catalogue-invalid-input = This text is too long or contains control characters.
catalogue-invalid-kind = Choose a kind from the list.
catalogue-invalid-number = Enter a whole number, or leave empty.
catalogue-invalid-date-bound = Enter a date as YYYY-MM-DD or a number of days such as -36500 or +30.
catalogue-invalid-options = Write one option per line as value | French label | English label.
catalogue-invalid-choice = Choose from the list.
catalogue-invalid-condition-field = Choose a field that comes before this one.
catalogue-invalid-condition-value = This value does not fit the field tested (for yes or no: yes or no; for a number: a number).

# Catalogue builder: rules
catalogue-documents = Required documents
catalogue-no-documents = The service asks for no document.
catalogue-add-document = Add a document
catalogue-document-id = Document id
catalogue-document-kind = Kind of document
catalogue-document-required = Required
catalogue-reuse = From the document safe
catalogue-reuse-hint = The person may reuse a still-valid document from their document safe
catalogue-max-age = Issued at most this many days ago
catalogue-doc-identity = Identity document
catalogue-doc-proof_of_address = Proof of address
catalogue-doc-civil_status = Civil status record
catalogue-doc-income = Proof of income
catalogue-doc-vehicle_registration = Vehicle registration
catalogue-doc-invoice = Invoice
catalogue-doc-photo = Photo
catalogue-doc-other = Other
catalogue-statuses = Statuses
catalogue-no-statuses = The workflow has no status yet.
catalogue-add-status = Add a status
catalogue-status-id = Status id
catalogue-status-kind = Kind of status
catalogue-status-draft = Draft (being filled in)
catalogue-status-open = Open (with the organisation)
catalogue-status-waiting_requester = Waiting on the requester
catalogue-status-waiting_third_party = Waiting on a third party
catalogue-status-closed_accepted = Closed: accepted
catalogue-status-closed_refused = Closed: refused
catalogue-status-closed_withdrawn = Closed: withdrawn
catalogue-initial = Status of a new request
catalogue-initial-short = initial
catalogue-edit-status = Change
catalogue-rename-hint = A new id is followed by the initial status and the transitions.
catalogue-transitions = Transitions
catalogue-no-transitions = The workflow has no transition yet.
catalogue-add-transition = Add a transition
catalogue-transition-id = Transition id
catalogue-from = From
catalogue-from-any = Any status that is not closed
catalogue-to = To
catalogue-button-fr = Button text in French
catalogue-button-en = Button text in English
catalogue-who-fires = Who may fire it
catalogue-roles-hint = No role ticked: every staff member but viewers (or the requester alone if ticked).
catalogue-requester = The requester
catalogue-all-staff = All staff but viewers
catalogue-more = Condition, actions, timeout
catalogue-timeout = fires by itself after { $days } days
catalogue-timeout-business = fires by itself after { $days } business days
catalogue-transition-json-hint = Open a transition (its id) to edit its actions (messages, assignment, deadlines, corrections, documents, webhooks), its timeout and its condition.
catalogue-transition-title = Transition { $id }
catalogue-back-to-workflow = Back to the workflow
catalogue-actions = Actions
catalogue-actions-hint = Carried out in this order when the transition fires.
catalogue-no-actions = This transition does nothing but change the status.
catalogue-add-action = Add an action
catalogue-add-this-action = Add: { $kind }
catalogue-action-kind-message_requester = Message the requester
catalogue-action-kind-assign_team = Assign a team
catalogue-action-kind-assign_agent = Assign an agent
catalogue-action-kind-set_deadline = Set a deadline
catalogue-action-kind-clear_deadline = Clear the deadline
catalogue-action-kind-request_corrections = Ask the requester for corrections
catalogue-action-kind-generate_document = Generate a document
catalogue-action-kind-call_webhook = Call a webhook
catalogue-action-message_requester = Message the requester: “{ $subject }”
catalogue-action-assign_team = Assign to team { $team }
catalogue-action-assign_agent = Assign to { $agent }
catalogue-action-set_deadline = Deadline in { $days } days
catalogue-action-set_deadline-business = Deadline in { $days } business days
catalogue-action-clear_deadline = Clear the deadline
catalogue-action-request_corrections = Reopen for corrections: { $fields }
catalogue-action-generate_document = Generate the document { $template }
catalogue-action-call_webhook = Call { $url }
catalogue-subject-fr = Subject in French
catalogue-subject-en = Subject in English
catalogue-body-fr = Message in French
catalogue-body-en = Message in English
catalogue-team = Team
catalogue-agent-email = Agent's e-mail address
catalogue-days = Number of days
catalogue-business-days = Business days of the organisation's calendar
catalogue-correction-fields = Fields reopened for the requester
catalogue-template = Document template
catalogue-webhook-url = Address called
catalogue-webhook-url-hint = https://… (http://localhost… for tests).
catalogue-timeout-title = Timeout
catalogue-timeout-hint = The transition fires by itself when the case has stayed this long in a starting status, for example "accepted by default after 60 days of silence".
catalogue-timeout-now = Now:
catalogue-after-days = After this many days
catalogue-after-days-hint = From 1 to 3650; leave empty for no timeout.
catalogue-clear-timeout = Remove the timeout
catalogue-transition-condition = Condition to fire it
catalogue-tcond-none = None
catalogue-tcond-all_documents_validated = All documents validated
catalogue-tcond-field_equals = A form answer equals a value
catalogue-tcond-field = Form field
catalogue-required-text = Fill this in (in French at least).
catalogue-invalid-email = Enter an e-mail address such as name@example.org.
catalogue-invalid-days = Enter a whole number of days from 1 to 3650.
catalogue-invalid-correction-fields = Tick at least one field of the form.
catalogue-invalid-webhook-url = Enter an address starting with https:// (or http://localhost for tests).
catalogue-invalid-template = Use 1 to 60 lowercase letters, digits or dashes (for example certificate or resident-permit): the name becomes the file name of the document.
catalogue-sla-targets = Targets per priority
catalogue-sla-intro = First response and resolution, in business hours (or minutes) or business days of the organisation's calendar. Leave both empty for no service level at that priority.
catalogue-priority-low = Low priority
catalogue-priority-normal = Normal priority
catalogue-priority-high = High priority
catalogue-priority-urgent = Urgent
catalogue-first-response = First response
catalogue-resolution = Resolution
catalogue-unit = Unit
catalogue-unit-minutes = business minutes
catalogue-unit-hours = business hours
catalogue-unit-days = business days
catalogue-warn-at = Warn when this share of a target is used (percent)
catalogue-invalid-duration = Enter the targets as whole numbers with a unit from the list.

# People and organisations
people-title = People
people-nav = People and organisations
people-search = Search by name, email, phone or address
people-search-hint = For example “Hélène Martin”, “martin@”, “06 12 34”, “44000”. Accents and capitals do not matter.
search = Search
filter = Filter
optional = optional
remove = Remove
next-page = Next page
people-none = No one yet.
people-none-found = No one matches this search.
people-results = Results for “{ $q }”
people-back = Back to people
person-new-title = New person
person-edit-title = Edit { $name }
person-edit = Edit identity
person-vcard = Download the card (vCard)
person-vcard-hint = for an address book; the download is written to the audit log
person-archive = Archive this person
person-is-archived = This person is archived: kept with their history, left out of lists and searches.
person-identity = Identity
person-name = Name
person-given-name = Given name
person-family-name = Family name
person-birth-date = Date of birth
person-birth-date-hint = For example 31/01/1980.
person-locale = Preferred language
locale-fr = French
locale-en = English
person-contact-points = Contact points
person-no-contact-points = No contact point yet.
person-contact-kind = Kind
person-contact-value = Value
person-email = Email address
person-phone = Phone
person-phone-hint = Any usual writing: 06 12 34 56 78, +33 6 12 34 56 78, 0033612345678.
person-address = Postal address
person-add-contact = Add a contact point
person-add-email = Add the email address
person-add-phone = Add the phone number
person-add-address = Add the address
person-address-lines = Address lines
person-address-lines-hint = One line per line, up to 4 lines of 38 characters: number and street, building, place called…
person-postcode = Postcode
person-city = City
person-country = Country
person-country-hint = Two-letter code: FR for France, BE for Belgium…
person-tags = Tags
person-no-tags = No tag.
person-tags-hint = Separated by commas.
person-save-tags = Save the tags
person-consents = Consents
person-no-consents = No consent recorded.
consent-purpose = Purpose
consent-purpose-hint = For example newsletter, sms-reminders.
consent-state = State
consent-state-given = Given
consent-state-withdrawn = Withdrawn
consent-source = Source
consent-source-portal = Online space
consent-source-counter = Counter
consent-source-phone = Phone
consent-source-email = Email
consent-source-letter = Letter
consent-source-import = Import
consent-source-api = API
consent-at = Date
consent-history = History
consent-changes = { $count ->
    [one] One change
   *[other] { $count } changes
}
consent-record = Record the consent
person-relationships = Relationships
person-no-relationships = No relationship.
relationship-kind = Relationship
relationship-member_of = Member
relationship-represents = Representative
relationship-household = Household
relationship-out-member_of = Member of
relationship-out-represents = Represents
relationship-out-household = Same household as
relationship-in-member_of = Has as member
relationship-in-represents = Represented by
relationship-in-household = Same household as
relationship-target = With
relationship-add = Add the relationship
person-timeline = Timeline
person-no-interactions = Nothing yet.
all-channels = All channels
channel-phone = Phone
channel-counter = Counter
channel-letter = Letter
channel-email = Email
direction-inbound = Inbound
direction-outbound = Outbound
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
interaction-case = case { $case }
interaction-log = Log an interaction
interaction-channel = Channel
interaction-direction = Direction
interaction-summary = Summary
interaction-duration = Duration in minutes
interaction-case-ref = Case reference
person-created = The person has been created.
person-saved = The identity has been saved.
person-archived = The person has been archived.
person-contact-added = The contact point has been added.
person-contact-removed = The contact point has been removed.
person-tags-saved = The tags have been saved.
person-consent-recorded = The consent has been recorded.
person-interaction-logged = The interaction has been logged.
person-relationship-added = The relationship has been added.
person-invalid-given-name = Enter the given name (1 to 100 characters).
person-invalid-family-name = Enter the family name (1 to 100 characters).
person-invalid-birth-date = Enter a date of birth between 1900 and today, for example 31/01/1980.
person-invalid-locale = Choose French or English.
person-invalid-email = Enter a valid email address, for example name@example.com.
person-email-exists = This person already has this email address.
person-invalid-phone = Enter a phone number, for example 06 12 34 56 78 or +33 6 12 34 56 78.
person-phone-exists = This person already has this phone number.
person-invalid-address-lines = Enter 1 to 4 address lines of at most 38 characters each.
person-invalid-postcode = Enter the postcode: 5 digits in France, for example 75002.
person-invalid-city = Enter the city (1 to 60 characters).
person-invalid-country = Enter the country as a two-letter code, for example FR.
person-invalid-tag = Each tag has 1 to 40 letters, digits or hyphens.
person-too-many-tags = At most 50 tags.
person-invalid-consent-purpose = Enter the purpose in 1 to 40 letters, digits or hyphens.
person-invalid-consent-state = Choose given or withdrawn.
person-invalid-consent-source = Choose where the consent was collected.
person-invalid-consent-at = The date of a consent cannot be in the future.
person-invalid-relationship-kind = Choose a kind of relationship.
person-invalid-relationship-target = Choose who or what the relationship is with: membership is with an organisation, a household between persons.
person-relationship-self = A person cannot be related to themselves.
person-relationship-exists = This relationship already exists.
person-invalid-channel = Choose a channel: phone, counter, letter or email.
person-invalid-direction = Choose inbound or outbound.
person-invalid-summary = Enter a summary of 1 to 2,000 characters.
person-invalid-duration = Enter a duration in whole minutes, from 0 to 1,440.
person-invalid-case-ref = Enter a case reference of letters, digits and hyphens (64 at most).
person-invalid-interaction-at = The date of an interaction cannot be in the future.
organisations-title = Organisations
organisations-search = Search by name
organisations-none = No organisation.
organisations-back = Back to organisations
organisation-new-title = New organisation
organisation-edit-title = Edit { $name }
organisation-edit = Edit
organisation-archive = Archive this organisation
organisation-is-archived = This organisation is archived.
organisation-name = Name
organisation-siret = SIRET
organisation-siret-hint = 14 digits, for example 732 829 320 00074.
organisation-members = Members and representatives
organisation-no-members = No one is tied to this organisation yet.
organisation-created = The organisation has been created.
organisation-saved = The organisation has been saved.
organisation-archived = The organisation has been archived.
organisation-invalid-name = Enter the name (1 to 200 characters).
organisation-invalid-siret = Enter a SIRET of 14 digits with a valid check digit, or leave it empty.
organisation-siret-exists = An organisation already has this SIRET.

# Likely duplicates
duplicates-title = Likely duplicates
duplicates-intro = Records that may describe the same person: same email or phone, or a similar name with the same birth date or postcode. Compare them to merge them, or mark them as not a duplicate.
duplicates-none = No likely duplicates.
duplicates-first = Person
duplicates-second = Possible duplicate
duplicates-reason = Reason
duplicate-reason-same-email = Same email
duplicate-reason-same-phone = Same phone number
duplicate-reason-similar-name-same-birth-date = Similar name and same birth date
duplicate-reason-similar-name-same-address = Similar name and same postcode

## Cases: refusals of the case flow
case-stale = Someone changed this case in the meantime. Reload the page to see their changes; nothing was saved.
case-transition-refused = This action is not possible on this case in its current state, or your role does not allow it. Nothing was changed.
case-answers-invalid = Some answers are not right. Correct them and send again.
case-service-closed = This service is not open at the moment.
case-channel-not-offered = This service cannot be filed through this channel.
case-sign-in-required = Sign in to use this service.
case-organisation-required = This service is filed on behalf of an organisation: choose the one you represent.
case-document-unknown = One of the attached documents cannot be found or can no longer be used. Attach it again.

## Search
search-title = Search
search-results-title = Search “{ $q }”
search-label = Name, email, phone, address or SIRET
search-hint = For example “Hélène Martin”, “martin@”, “06 12 34 56 78”, “rue des Lilas Nantes”, “732 829 320”. Accents and capitals do not matter, and one typo in a name is tolerated.
search-scope = Search among
search-scope-all = People and organisations
search-scope-person = People
search-scope-organisation = Organisations
search-results = { $count ->
    [0] No results
    [one] One result
   *[other] { $count } results
}
search-none = Nothing matches this search. Check the spelling, or search another way: email, phone, postcode.
search-truncated = More records match: only the most relevant are shown. Narrow the search (a first name, a town…) to find the others.
search-kind-person = Person
search-kind-organisation = Organisation
search-how-exact = Exact word
search-how-prefix = Beginning of a word
search-how-stem = Related form (plural, feminine)
search-how-fuzzy = Close spelling (one letter differs)
search-where-name = in the name
search-where-identifier = in an email, phone or SIRET
search-where-address = in the address
search-empty = Enter a name, email, phone, address or SIRET.
search-too-long = The search is too long: 100 characters at most.
search-invalid = The search contains control characters: remove them.
search-no-words = Enter at least one letter or digit.
search-too-many-words = The search has too many words: 8 at most.
search-invalid-type = Choose to search among people and organisations, people, or organisations.
search-found-in = { $field }:
people-search-everywhere = Also search organisations

# Person import (CSV, vCard)
people-import = Import people
import-title = Import people
import-intro = A CSV file as a spreadsheet saves it (UTF-8 or Windows-1252, “;”, “,” or tab as separator, first line = headers), or a vCard contacts file (.vcf, versions 3.0 and 4.0). Nothing is stored before you have seen the result of the check.
import-file = File to import
import-file-hint = CSV or vCard, { $max } MB at most.
import-upload = Upload and check
import-recent = Recent imports
import-none = No import yet.
import-file-name = File
import-uploaded-at = Uploaded
import-state = State
import-accepted = Rows accepted
import-rejected = Rows rejected
import-total = Rows in the file
import-created = People created
import-file-refused = The file could not be read.
import-too-large = The file is larger than { $max } MB: split it into several files.
import-no-file = Choose a file to import.
import-back = Back to imports
import-mapping-title = Column mapping
import-mapping-intro = Say what each column of “{ $file }” holds. Columns left on “Do not import” are ignored.
import-rows-count = { $count ->
    [one] The file has one data row.
   *[other] The file has { $count } data rows.
}
import-mapping-legend = Columns of the file
import-column-named = Column { $letter }
import-column-untitled = Column { $letter } (no header)
import-samples = Examples: { $values }
import-check = Check the file
import-target-none = Do not import
import-target-given-name = Given name
import-target-family-name = Family name
import-target-birth-date = Birth date
import-target-email = Email address
import-target-phone = Phone
import-target-street = Address line
import-target-postcode = Postcode
import-target-city = City
import-target-country = Country
import-target-tags = Tags
import-target-ignore = Do not import
import-report-title = Result of the check
import-report-intro = File “{ $file }”.
import-start = { $count ->
    [one] Import the accepted person
   *[other] Import the { $count } accepted people
}
import-nothing-to-import = No row is accepted: there is nothing to import. Fix the file and upload it again.
import-change-mapping = Change the column mapping
import-rejected-rows = Rejected rows
import-rejected-intro = Each rejected row is listed with its column and reason. You can download these rows, fix them in your spreadsheet and import them again.
import-download-rejected = Download the rejected rows (CSV)
import-page-of = page { $page }
import-pages = Pages of rejected rows
import-previous-page = Previous page
import-row-number = Row
import-column = Column
import-reason-column = Reason
import-reason = { $column }: { $reason }
import-row = row { $line }
import-rejected-file = rejected-rows
import-progress-title = Import in progress
import-progress-label = Import progress
import-percent = { $percent }%
import-stored-of = { $stored } people stored of
import-refresh = Refresh the progress
import-failed = The import failed. People already stored stay stored; administrators find the details in the audit log.
import-state-uploaded = Mapping to choose
import-state-checked = Checked, not imported yet
import-state-queued = Waiting to start
import-state-running = Import running
import-state-done = Import finished
import-state-failed = Import failed
import-checked = The file was checked: nothing is stored yet.
import-started = The import has started.
import-already-started = This import has already started.
import-not-checked = Check the file first.
import-invalid-encoding = This file is neither UTF-8 nor Windows-1252 (byte { $offset }, line { $line }). Save it as “CSV UTF-8” from your spreadsheet.
import-not-csv = This is a workbook (xlsx, ods), not a CSV file: save it as “CSV” from your spreadsheet.
import-binary-file = This file is not text (a picture, a PDF, a program?): choose a CSV or vCard file.
import-empty-file = The file is empty.
import-no-rows = The file only has a header line: no row to import.
import-missing-header = Line { $line }: the header line is empty.
import-unterminated-quote = Line { $line }: an opening quote is never closed.
import-column-count = Line { $line }: { $actual } columns where the header line has { $expected }.
import-mapping-width = The mapping has { $actual } columns, the file { $expected }.
import-mapping-missing = No column is mapped to “{ $field }”, which is required.
import-mapping-duplicate = Several columns are mapped to “{ $field }”, which can only have one.
import-empty-row = Empty row
import-vcard-no-colon = Card { $card }, line { $line }: a property must read NAME:value (colon missing).
import-vcard-outside = Card { $card }, line { $line }: text outside BEGIN:VCARD … END:VCARD.
import-vcard-nested = Card { $card }, line { $line }: BEGIN:VCARD inside a card that is not finished.
import-vcard-unclosed = Card { $card }, line { $line }: the card is never finished by END:VCARD.
import-vcard-version = Card { $card }, line { $line }: vCard version missing or not supported (3.0 or 4.0 expected).
import-vcard-encoding = Card { $card }, line { $line }: an encoded value cannot be read (quoted-printable or character set).
## Portal: catalogue, filing, my requests, document safe
portal-my-requests = { $kind ->
    [public] My requests
   *[private] My tickets
}
portal-my-space = My space
portal-my-documents = My documents
portal-new-request = { $kind ->
    [public] Start a procedure
   *[private] Make a request
}
portal-catalogue = { $kind ->
    [public] Online procedures
   *[private] Our online requests
}
portal-catalogue-empty = { $kind ->
    [public] No procedure is offered online yet.
   *[private] No request is offered online yet.
}
portal-search-label = { $kind ->
    [public] Search for a procedure
   *[private] Search for a request
}
portal-search = Search
portal-search-clear = See the whole catalogue
portal-search-results = { $count ->
    [0] No result.
    [one] { $count } result.
   *[other] { $count } results.
}
portal-search-none = { $kind ->
    [public] No procedure matches your search.
   *[private] No request matches your search.
}
portal-track-link = { $kind ->
    [public] Follow a request with its tracking code
   *[private] Follow a ticket with its tracking code
}
portal-back-to-catalogue = { $kind ->
    [public] All procedures
   *[private] All requests
}
portal-category-other = Other
portal-category-etat-civil = Civil status
portal-category-proprete = Cleanliness
portal-category-education = Schools and children
portal-category-tranquillite-publique = Public peace
portal-category-vie-associative = Associations
portal-category-voirie = Roads
portal-category-stationnement = Parking
portal-category-ventes = Quotes and sales
portal-category-facturation = Billing
portal-category-commandes = Orders
portal-category-contrats = Contracts
portal-category-support = Support
portal-start-title = { $kind ->
    [public] Start the procedure
   *[private] Make the request
}
portal-start = { $kind ->
    [public] Start the procedure
   *[private] Start the request
}
portal-anonymous-hint = { $kind ->
    [public] You can do this without an account: you will get a tracking code. Sign in to keep a draft and find your requests later.
   *[private] You can do this without an account: you will get a tracking code. Sign in to keep a draft and find your tickets later.
}
portal-sign-in-to-file = { $kind ->
    [public] This procedure is done from your account: sign in to start it.
   *[private] This request is made from your account: sign in to start it.
}
portal-organisations-only = { $kind ->
    [public] This procedure is made on behalf of an association or a company. Your account is tied to none: contact us to make it.
   *[private] This request is made on behalf of a company. Your account is tied to none: contact us to make it.
}
portal-organisations-sign-in = { $kind ->
    [public] This procedure is made on behalf of an association or a company: sign in with the account of one of its members.
   *[private] This request is made on behalf of a company: sign in with the account of one of its members.
}
portal-organisations-yours = You can make it on behalf of: { $names }.
portal-on-behalf = { $kind ->
    [public] Who are you making this request for?
   *[private] Who are you making this request for?
}
portal-on-behalf-self = For myself
portal-on-behalf-required = Choose the organisation you are acting for.
portal-on-behalf-unknown = You cannot act for this organisation: choose one you are a member of.
portal-for-organisation = On behalf of
portal-drafts-of-service = You have already started:
portal-resume-draft = Resume the draft saved on { $date }
portal-prepare = What to prepare
portal-no-documents = { $kind ->
    [public] No supporting document is needed.
   *[private] No attachment is needed.
}
portal-required = required
portal-reusable = can be taken from your documents
portal-max-age = { $count ->
    [one] dated less than a day ago
   *[other] dated less than { $count } days ago
}
portal-file-formats = Accepted formats: PDF, JPEG or PNG (a readable photo or scan).
portal-form-pages = { $count ->
    [one] The form has one page:
   *[other] The form has { $count } pages:
}
portal-how-long = How long it takes
portal-processing-times = { $kind ->
    [public] Half of the requests were handled within { $median }, and 9 in 10 within { $p90 } (from the last { $count } closed requests).
   *[private] Half of the tickets were handled within { $median }, and 9 in 10 within { $p90 } (from the last { $count } closed tickets).
}
portal-not-a-promise = These are observed times, not a commitment: every request is different.
portal-not-enough-cases = { $kind ->
    [public] Not enough closed requests yet to tell a usual processing time.
   *[private] Not enough closed tickets yet to tell a usual processing time.
}
portal-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
portal-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
portal-contact-title = Contact us
portal-contact-name = Organisation
portal-contact-mail = E-mail
portal-opening-hours = Opening hours
portal-closed-day = Closed
portal-closed-holidays = Closed on public holidays.
portal-closures = Exceptional closures:
portal-steps = Steps
portal-step-of = Step { $step } of { $count }
portal-step-documents = { $kind ->
    [public] Supporting documents
   *[private] Attachments
}
portal-step-documents-short = Documents
portal-step-summary = Summary
portal-version-changed = { $kind ->
    [public] This procedure changed since you started it. Your answers were carried over; here is what changed:
   *[private] This request changed since you started it. Your answers were carried over; here is what changed:
}
portal-answers-dropped = These answers no longer fit and must be given again:
portal-continue = Continue
portal-back = Back
portal-save-later = Save and finish later
portal-draft-delete = Delete this draft
portal-submit = { $kind ->
    [public] Send my request
   *[private] Send my ticket
}
portal-summary-intro = { $kind ->
    [public] Check your answers before sending your request.
   *[private] Check your answers before sending your ticket.
}
portal-summary-incomplete = Some answers are missing or must be corrected before sending.
portal-contact-email = Your e-mail address
portal-contact-email-hint = { $kind ->
    [public] We send the acknowledgement, your tracking code and news of your request there.
   *[private] We send the acknowledgement, your tracking code and news of your ticket there.
}
portal-more-questions = Your answers lead to more questions: please answer them below.
portal-unknown-fields = The form sent holds fields this form does not have ({ $names }): nothing was saved.
portal-documents-intro = Add your documents as PDF, JPEG or PNG. The type is checked from the file's content.
portal-add-files = Add files
portal-from-safe = Or reuse an already checked document from your space:
portal-valid-until = valid until { $date }
portal-file-hint = { $types } · { $size } at most · { $count ->
    [one] 1 file
   *[other] { $count } files at most
}
portal-file-images = images
portal-file-remove = Remove
portal-file-unknown = document
portal-group-add = Add: { $group }
portal-group-remove = Remove { $item }
portal-yes = Yes
portal-no = No
portal-none = none
portal-address-street = Number and street
portal-address-complement = Address line 2
portal-address-postcode = Postcode
portal-address-city = Town or city
portal-address-country = Country (two-letter code, FR for France)
portal-document-required = This document is required.
portal-safe-not-yours = This document is not in your space or is no longer valid.
portal-documents-expired = One of the documents sent is no longer available: please add it again.
portal-service-closed = { $kind ->
    [public] This procedure is no longer offered online.
   *[private] This request is no longer offered online.
}
portal-staff-account = You are signed in with a staff account: use the back office to record a request on someone's behalf.
portal-filed-title = { $kind ->
    [public] Your request is sent
   *[private] Your ticket is sent
}
portal-filed-intro = { $kind ->
    [public] Your request “{ $service }” was received.
   *[private] Your ticket “{ $service }” was received.
}
portal-reference = Reference
portal-reference-hint = For example BEL-2026-7K3F9QX2
portal-tracking-code = Tracking code
portal-tracking-code-hint = The 16 characters received by e-mail, dashes optional
portal-keep-code = { $kind ->
    [public] Keep this code: with the reference, it lets you follow your request. It is also sent to you by e-mail.
   *[private] Keep this code: with the reference, it lets you follow your ticket. It is also sent to you by e-mail.
}
portal-ack-sent = An acknowledgement was sent to { $email }.
portal-download-receipt = Download the acknowledgement of receipt (PDF)
portal-follow-case = { $kind ->
    [public] Follow my request
   *[private] Follow my ticket
}
portal-ack-subject = Acknowledgement of your request { $reference }
portal-ack-intro = { $kind ->
    [public] Hello, we received your request.
   *[private] Hello, we received your ticket.
}
portal-ack-tracking = Your tracking code: { $code }
portal-ack-track-link = Follow your request with its reference and this code: { $link }
portal-ack-account-link = Follow your request in your space: { $link }
portal-receipt-title = Acknowledgement of receipt
portal-receipt-reference = Reference: { $reference }
portal-receipt-service = { $kind ->
    [public] Procedure: { $service }
   *[private] Request: { $service }
}
portal-receipt-received = Received on { $date }
portal-receipt-handled-by = Handled by: { $tenant }
portal-receipt-contact = Contact: { $email }
portal-receipt-meaning = { $kind ->
    [public] This acknowledgement certifies that your request was received electronically. It says nothing of the decision; the service may ask you for more information or documents.
   *[private] This acknowledgement certifies that your ticket was received. Our teams may ask you for more information.
}
portal-receipt-answers = Your answers:
portal-receipt-documents = Documents attached:
portal-drafts = Drafts in progress
portal-draft-updated = Saved on { $date }
portal-draft-outdated = { $kind ->
    [public] The procedure changed: your answers will be carried over when you open the draft.
   *[private] The request changed: your answers will be carried over when you open the draft.
}
portal-filed = { $kind ->
    [public] Requests sent
   *[private] Tickets sent
}
portal-no-requests = { $kind ->
    [public] You have not sent any request yet.
   *[private] You have not sent any ticket yet.
}
portal-submitted-on = Sent on
portal-status = Status
portal-next-step = Next step
portal-who-acts = Who has to act
portal-next-open = { $kind ->
    [public] Your request is being handled by { $tenant }.
   *[private] Your ticket is being handled by { $tenant }.
}
portal-next-requester = Your turn: answer the message or make the corrections asked for.
portal-next-third-party = Waiting for an outside organisation; nothing to do on your side.
portal-next-accepted = { $kind ->
    [public] Request accepted and closed.
   *[private] Ticket resolved and closed.
}
portal-next-refused = { $kind ->
    [public] Request refused and closed; the reason is in the history.
   *[private] Ticket closed without follow-up; the reason is in the history.
}
portal-next-withdrawn = { $kind ->
    [public] Request withdrawn.
   *[private] Ticket withdrawn.
}
portal-who-organisation = { $tenant }
portal-who-you = You
portal-who-third-party = An outside organisation
portal-who-nobody = Nobody: it is over
portal-timeline = History
portal-event-status = Status: { $status }
portal-event-message-in = Message from { $tenant }
portal-event-submitted = { $kind ->
    [public] Request sent
   *[private] Ticket sent
}
portal-event-message-from-requester = Your message
portal-event-corrections-requested = Corrections asked for
portal-event-resubmitted = Corrections sent
portal-event-document-validated = Document accepted
portal-event-document-rejected = Document refused
portal-event-document-generated = Document issued
portal-event-survey-answered = Your opinion
portal-case-documents = Documents
portal-document-pending = waiting to be checked
portal-document-valid = valid
portal-document-rejected = refused
portal-document-rejected-because = refused: { $reason }
portal-corrections-title = Corrections asked for
portal-corrections-intro = Only the fields to correct can be changed.
portal-write = Write to us
portal-message = Your message
portal-attachments = Attachments
portal-send = Send
portal-message-sent = Your message was sent.
portal-resubmitted = { $kind ->
    [public] Your corrections were sent; your request is being handled again.
   *[private] Your corrections were sent; your ticket is being handled again.
}
portal-withdraw-title = { $kind ->
    [public] Withdraw my request
   *[private] Withdraw my ticket
}
portal-withdraw-confirm = { $kind ->
    [public] I confirm I withdraw my request: it will be closed.
   *[private] I confirm I withdraw my ticket: it will be closed.
}
portal-withdraw-confirm-needed = Tick the confirmation box to withdraw.
portal-withdrawn = { $kind ->
    [public] Your request is withdrawn.
   *[private] Your ticket is withdrawn.
}
portal-case-stale = The page was out of date: it was reloaded and nothing was saved. Try again if needed.
portal-case-closed = This case is closed: it no longer takes messages.
portal-no-corrections = No correction is asked for on this case.
portal-cannot-resubmit = The case cannot be sent back from its current status.
portal-cannot-withdraw = The case cannot be withdrawn from its current status.
portal-survey-title = Your opinion
portal-survey-question = { $kind ->
    [public] Are you satisfied with how your request was handled?
   *[private] Are you satisfied with how your ticket was handled?
}
portal-survey-scale = From 1 (not at all) to 5 (completely)
portal-rating-value = { $count } out of 5
portal-survey-comment = A comment
portal-survey-send = Give my opinion
portal-survey-thanks = Thank you for your opinion.
portal-survey-closed = An opinion can be given once, after the case is closed.
portal-rating-invalid = Choose a rating from 1 to 5.
portal-track-title = { $kind ->
    [public] Follow a request
   *[private] Follow a ticket
}
portal-track-intro = Enter the reference and the tracking code you received when sending.
portal-track-submit = Follow
portal-track-not-found = { $kind ->
    [public] No request matches this reference and tracking code. Check both.
   *[private] No ticket matches this reference and tracking code. Check both.
}
portal-draft-deleted = The draft is deleted.
portal-draft-saved = Your draft is saved: come back to it whenever you like.
portal-safe-intro = Your checked documents can be reused in a new request without sending them again.
portal-safe-not-linked = Your account is not linked to your record yet: your documents will show here once it is.
portal-safe-empty = No document yet.
portal-document = Document
portal-document-kind = Kind
portal-valid-until-col = Valid until
portal-added-on = added on { $date }
portal-expired = expired
portal-delete = Delete
portal-document-deleted = The document is deleted from your space.
upload-empty = The file is empty.
upload-too-large = The file is larger than allowed.
upload-type-refused = This type of file is not accepted (the file's content is checked, not its name).
upload-too-many = Too many files for this field.
upload-not-expected = A file was sent for a field that takes none.
answer-required = This field is required.
answer-unknown-field = This field is not part of the form.
answer-invalid-type = This answer does not have the expected form.
answer-invalid-text = The text holds characters that are not allowed.
answer-too-long = The text is too long.
answer-not-a-number = Enter a number.
answer-not-an-integer = Enter a whole number.
answer-out-of-range = The value is outside the allowed limits.
answer-invalid-date = Enter a valid date.
answer-invalid-email = Enter a valid e-mail address, for example name@example.com.
answer-invalid-phone = Enter a valid phone number, for example 06 12 34 56 78.
answer-invalid-address = The address is incomplete or badly formed.
answer-invalid-postcode = The postcode is not valid.
answer-invalid-country = The country is written in two letters, for example FR.
answer-invalid-choice = Choose one of the options offered.
answer-too-few-choices = Choose more options.
answer-too-many-choices = Choose fewer options.
answer-invalid-file = The attached file is not valid.
answer-too-many-files = Too many files attached.
answer-too-few-items = Add more items.
answer-too-many-items = Too many items.

duplicates-no-more = No more likely duplicates on this page.
duplicates-compare = Compare and merge
duplicates-dismiss = Not a duplicate
duplicates-back = Back to likely duplicates
duplicate-dismissed = This pair will no longer be offered as a duplicate.
first-page = First page

# Merging records
merge-title = Merge two records
merge-intro = Compare the two records. The one you keep receives the whole history of the other.
merge-compare = Both records side by side
merge-field = Information
merge-count-consents = Consent changes
merge-count-relationships = Relationships
merge-count-interactions = Contacts
merge-choose = Choose what to keep
merge-survivor = Record to keep
merge-survivor-hint = The other record is archived; its address then leads to the record kept.
merge-record = Record of { $name }
merge-keep = { $field } to keep
merge-explain = Contact points (without duplicates), tags, consents with their history, relationships, contacts and custom fields of the other record move to the record kept. The audit log keeps a trace of everything moved.
merge-submit = Merge both records
merge-not-duplicate-title = Not the same person?
merge-not-duplicate-hint = The pair will no longer be offered among likely duplicates.
merge-same-person = A record cannot be merged with itself.
merge-archived = One of the two records is archived: it can no longer be merged.
merge-already-merged = These records have already been merged: nothing was changed.
merge-invalid-choice = Choose one of the two records.
person-merged-here = Records merged: this record now holds their whole history.

# Custom fields
admin-custom-fields = Custom fields
custom-fields-title = Custom fields of records
custom-fields-intro = Information specific to your organisation, entered on people's records and usable in segments.
custom-fields-none = No custom field yet.
custom-field-label = Label
custom-field-label-fr = Label in French
custom-field-label-en = Label in English
custom-field-key = Key
custom-field-key-hint = Technical name used by the API and segments: lowercase letters, digits and underscores. Leave empty to derive it from the French label. It never changes afterwards.
custom-field-kind = Type
custom-field-kind-hint = The type never changes once the field exists.
custom-field-kind-text = Text
custom-field-kind-number = Number
custom-field-kind-date = Date
custom-field-kind-choice = Choice list
custom-field-choices = Choices offered
custom-field-choices-hint = For a choice list: one choice per line (50 at most).
custom-field-required = Required
custom-field-required-label = Required on every record
custom-field-state = State
custom-field-active = Active
custom-field-archived = Archived
custom-field-archive-label = Archive this field
custom-field-archive-hint = An archived field is no longer offered in forms; values already entered stay visible on records.
custom-field-create = Add the field
custom-field-created = The field has been added.
custom-field-saved = The field has been saved.
custom-field-edit-title = Edit the field “{ $label }”
custom-field-fixed-hint = A field's key and type do not change: values already entered would otherwise lose their meaning.
custom-field-fixed = A field's key and type cannot change.
custom-field-key-exists = Another field already uses this key.
custom-field-too-many = 100 custom fields at most.
custom-field-invalid-label = Enter a label of 1 to 80 characters.
custom-field-invalid-key = The key starts with a lowercase letter, then lowercase letters, digits or underscores (40 at most).
custom-field-invalid-kind = Choose a type: text, number, date or choice list.
custom-field-invalid-choices = Enter 1 to 50 different choices, one per line, of 80 characters at most.
custom-field-invalid-text = A text of 500 characters at most is expected.
custom-field-invalid-number = A number is expected, for example 12 or 12.5.
custom-field-invalid-date = A date is expected, for example 2026-01-31.
custom-field-invalid-choice = Choose one of the values offered.
custom-field-value-required = This field is required: enter a value.
custom-field-unknown = This custom field does not exist or has been archived.
custom-field-number-hint = A number, for example 12 or 12.5.
custom-field-date-hint = For example 2026-01-31.
person-custom-fields = Custom fields
person-no-custom-fields = No custom field is defined.
person-edit-custom-fields = Edit the custom fields
person-save-custom-fields = Save the fields
person-custom-fields-saved = The custom fields have been saved.
person-relationship-removed = The relationship has been removed.
organisation-contact-added = The contact point has been added.
organisation-contact-removed = The contact point has been removed.

# Timeline (360° view)
timeline-filter = Filter the history
timeline-kind = Kind
timeline-all-kinds = All kinds
timeline-kind-interaction = Contact
timeline-kind-consent = Consent
timeline-kind-relationship = Relationship
timeline-kind-merge = Merge
timeline-kind-case = Case
timeline-kind-message = Message
timeline-kind-document = Document
timeline-message-to-requester = sent to the person
timeline-message-from-requester = received from the person
timeline-document-pending = to be checked
timeline-document-valid = valid
timeline-document-rejected = rejected
timeline-merged-record = Record merged into this one
timeline-none-filtered = Nothing in the history for this filter.
timeline-show-all = Show everything

# Segments
segments-title = Segments
segments-intro = Lists of people defined by criteria (tags, custom fields, consents, dates, activity), always up to date.
segments-none = No segment yet.
segments-back = Back to segments
segment-new-title = New segment
segment-edit-title = Edit the segment “{ $name }”
segment-edit = Edit the criteria
segment-delete = Delete this segment
segment-created = The segment has been created.
segment-saved = The segment has been saved.
segment-deleted = The segment has been deleted.
segment-form-intro = A person belongs to the segment when they meet every criterion entered. Archived records never belong to it.
segment-name = Segment name
segment-name-exists = Another segment already has this name.
segment-invalid-name = Enter a name of 1 to 80 characters.
segment-tags = Tags
segment-tags-hint = Separated by commas; the person must have all of them.
segment-any = Any
segment-contains = Contains
segment-is = Is
segment-min = At least
segment-max = At most
segment-from = From
segment-to = To
segment-consents = Consents
segment-consent-given = Given
segment-consent-withdrawn = Withdrawn
segment-consent-not_given = Not given (withdrawn or never asked)
segment-consent-never = Never asked
segment-other-purpose = Other purpose
segment-other-purpose-hint = A purpose not listed above, for example “newsletter”.
segment-other-state = State of this purpose
segment-created-range = Record created
segment-updated-range = Record changed
segment-activity = Activity
segment-activity-kind = Contacts
segment-activity-within = At least one contact in the last days
segment-activity-none-since = No contact for
segment-activity-days = Number of days
segment-invalid-date = A date is expected, for example 2026-01-31.
segment-invalid-range = The start must come before the end.
segment-invalid-consent-state = Choose a consent state.
segment-invalid-days = A number of days from 1 to 3650 is expected.
segment-invalid-activity = Choose a kind of activity.
segment-criteria = Criteria
segment-no-criteria = No criterion: every active person.
segment-criterion-tags = Tags: { $tags }
segment-criterion-contains = { $field } contains “{ $low }”
segment-criterion-is = { $field }: { $low }
segment-criterion-number-between = { $field }: from { $low } to { $high }
segment-criterion-number-from = { $field }: at least { $low }
segment-criterion-number-to = { $field }: at most { $high }
segment-criterion-date-between = { $field }: from { $low } to { $high }
segment-criterion-date-from = { $field }: since { $low }
segment-criterion-date-to = { $field }: until { $high }
segment-criterion-consent = Consent “{ $purpose }”: { $state }
segment-criterion-within = { $count ->
    [one] At least one contact in the last day
   *[other] At least one contact in the last { $count } days
}
segment-criterion-none-since = { $count ->
    [one] No contact for a day
   *[other] No contact for { $count } days
}
segment-count = { $count ->
    [0] No one
    [one] { $count } person
   *[other] { $count } people
}
segment-export = Export as CSV
segment-export-vcard = Export as vCard (address books)
segment-export-id = Id
segment-export-emails = Emails
segment-export-phones = Phones
segment-export-addresses = Addresses
segment-members = People of the segment “{ $name }”
segment-empty = No one meets these criteria yet.
segment-no-more = No one more on this page.
## Back office: cases (views, case page, filing for someone)
cases-title = Cases
cases-nav = Cases
cases-views = Case views
cases-view-open = All open
cases-view-mine = Mine
cases-view-teams = My teams
cases-view-unassigned = Unassigned
cases-view-waiting = Waiting on requester
cases-view-at_risk = Service level at risk
cases-view-breached = Service level missed
cases-view-closed = Closed
cases-view-all = All cases
cases-count-suffix = cases
cases-count-capped = { $count }+
cases-saved-views = My saved views
cases-save-view = Save these filters as a view
cases-view-name = Name of the view
cases-view-name-required = Enter a name for the view.
cases-view-name-too-long = The name must be 60 characters at most.
cases-view-name-taken = You already have a view with this name.
cases-view-saved = View saved.
cases-view-deleted = View removed.
cases-filters = Filters
cases-apply-filters = Filter
cases-clear-filters = Clear the filters
cases-any = Any
cases-reference = Reference
cases-reference-hint = The whole reference or part of it, e.g. 7K3F.
cases-service = Service
cases-status = Status
cases-priority = Priority
cases-channel = Channel
cases-assignee = Agent
cases-assignee-me = Me
cases-assignee-none = Nobody
cases-label = Label
cases-from = Submitted from
cases-to = Submitted until
cases-sort = Order
cases-sort-newest = Newest first
cases-sort-oldest = Oldest first
cases-requester = Requester
cases-submitted = Submitted
cases-due = Resolution due
cases-none = No case in this view.
cases-none-found = No case matches these filters.
cases-invalid-view = This view does not exist: all open cases are shown.
cases-invalid-service = Choose a service from the list.
cases-invalid-status = Choose a status from the list.
cases-invalid-priority = Choose a priority from the list.
cases-invalid-channel = Choose a channel from the list.
cases-invalid-assignee = Choose an agent from the list.
cases-invalid-date = Enter a date as dd/mm/yyyy.
cases-dates-reversed = The end date must be on or after the start date.
cases-invalid-reference = A reference has 40 characters at most.
cases-invalid-sort = Choose an order from the list.
cases-invalid-page = The link to the next page is not valid: the first page is shown.
sla-state-warning = At risk
sla-state-breached = Missed
label-too-long = A label has 40 characters at most.
label-invalid = A label cannot contain control characters.
labels-too-many = A case has 20 labels at most.
message-required = Write the message.
message-too-long = The message must be 10,000 characters at most.
document-reason-required = Say why the document is rejected: the requester reads it.
document-reason-too-long = The reason must be 500 characters at most.
canned-title-required = Enter a title.
canned-title-too-long = The title must be 100 characters at most.
canned-unknown-variable = The text uses a variable that does not exist. Available: {"{"}reference{"}"}, {"{"}given_name{"}"}, {"{"}family_name{"}"}, {"{"}service{"}"}, {"{"}agent_name{"}"}, {"{"}organisation{"}"}.
case-go-to-actions = Go to the actions
case-conflict = Someone else changed this case after you opened it. Nothing was saved.
case-what-changed = What changed:
case-changed-by = Changes since you opened it:
case-stale-retry = The page now shows the case as it is; what you typed is still in its box. Check it and send again.
case-nothing-changed = Nothing was changed.
case-change-status = Status
case-change-priority = Priority
case-change-team = Team
case-change-assignee = Agent
case-change-labels = Labels
case-nobody = Nobody
case-action-file = filed the case
case-action-transition = changed the status
case-action-assign = assigned the case
case-action-priority = changed the priority
case-action-labels = changed the labels
case-action-reply = replied to the requester
case-action-note = wrote a note
case-action-document = checked a document
case-action-timers = service-level timers
case-sla = Service level
case-first-response-due = First response due
case-resolution-due = Resolution due
case-deadline = Deadline
case-team = Team
case-labels = Labels
case-no-labels = None
case-labels-hint = Separated by commas, e.g. urgent, callback.
case-save-labels = Save the labels
case-labels-saved = Labels saved.
case-requester = Requester
case-portal-account = Portal account
case-anonymous = Filed without an account, contact
case-no-requester = No requester recorded.
case-other-cases = Other cases of this person:
case-answers = Form as filed
case-answers-version = Rendered from version { $version } of the service, the one the case was filed under.
case-no-answers = No answer.
case-corrections-open = Corrections asked on: { $fields }
case-documents = Documents
case-no-documents = No document.
document-status = Status
document-status-pending = To check
document-status-valid = Valid
document-status-rejected = Rejected
document-valid-until = valid until { $date }
document-valid-until-label = Valid until (optional)
document-validate = Validate
document-reject = Reject
document-reject-reason = Reason for rejecting
document-preview = Preview
document-preview-of = Preview of { $name }
case-timeline = Timeline
case-event-new = new
event-public = seen by the requester
event-internal = internal
event-submitted = Case filed
event-status_changed = Status changed
event-assigned = Assigned
event-priority_changed = Priority changed
event-message_to_requester = Message to the requester
event-message_from_requester = Message from the requester
event-note = Internal note
event-corrections_requested = Corrections asked
event-resubmitted = Corrections sent
event-deadline_set = Deadline set
event-deadline_cleared = Deadline removed
event-document_validated = Document validated
event-document_rejected = Document rejected
event-document_generated = Document produced
event-webhook_called = Notification sent to another system
event-sla_warning = Service level at risk
event-sla_breached = Service level missed
event-survey_answered = Satisfaction survey answered
event-detail-channel = by { $channel }
event-detail-team = team { $team }
event-detail-assignee = agent { $agent }
event-detail-unassigned = nobody
case-actions = Actions
case-change-status-title = Change the status
case-transition = Transition
case-transition-required = Choose a transition.
case-no-transitions = No transition is open to you from this status.
case-comment = Comment (optional)
case-comment-hint = Kept on the timeline; required to ask for corrections, and sent to the requester with them.
case-comment-required = Write what the requester must correct.
case-apply-transition = Change the status
case-transitioned = Status changed.
case-transition-not-allowed = Your role may not make this transition.
case-transition-not-from-status = This transition does not start from the case's status.
case-transition-condition = This transition's condition is not met (for example, every document must be validated first).
case-transition-closed = The case is closed: this transition cannot leave its status.
case-transition-unknown = This transition does not exist in the case's workflow.
case-reply-title = Reply to the requester
case-reply-body = Message
case-reply-hint = Sent by e-mail and shown on the requester's page.
case-send-reply = Send the reply
case-replied = Reply sent.
case-reply-subject = A reply about your request
case-closed-no-reply = The case is closed: no reply can be sent.
case-canned = Canned response
case-canned-use = Start from this response
case-note-title = Internal note
case-note-body = Note
case-note-hint = Seen by staff only.
case-add-note = Add the note
case-noted = Note added.
case-assign-title = Assignment
case-no-team = No team
case-no-agent = Nobody
case-assign = Assign
case-assigned = Assignment saved.
case-assign-unknown-team = Choose a team of this organisation.
case-assign-unknown-agent = Choose an active agent of this organisation.
case-save-priority = Save the priority
case-priority-saved = Priority saved.
case-document-checked = Document checked.
case-filed = Case filed.
filing-title = { $kind ->
    [public] File a case for a citizen
   *[private] File a ticket for a customer
}
filing-on-behalf = For whom is the person filing?
filing-on-behalf-self = For themself
filing-requester = Requester
filing-born = born { $date }
filing-change-person = Choose another person
filing-person-record = Open their record
filing-find-person = Find the person by name, email, phone or address
filing-nobody-found = Nobody matches this search. Check the spelling, search by email or phone, or create the person.
filing-found = People found
filing-choose-person = Choose { $name }
filing-new-person = New person
filing-procedure = Procedure and channel
filing-no-service = No published procedure within your reach is offered by phone, at the counter, by letter or by email.
filing-service = Procedure
filing-service-none = Choose a procedure
filing-channel = Received by
filing-show-form = Show the form
filing-form = The request
filing-from-safe = Already in their document safe:
filing-scan = Add scanned files
filing-submit = File the case
filing-choose-service = Choose a procedure from the list.
filing-choose-channel = Choose how the request was received.
filing-needs-organisation = This procedure is filed for an organisation, and this person belongs to none: link them to their organisation on their record first.
filing-attach-again = Files are never kept from a form sent back: attach them again.
filing-more-questions = These answers call for more questions: fill them in below.
filing-filed-title = Case { $reference } filed
filing-filed-for = { $service }, for { $name }.
filing-give-code = Give this code to the person with the reference: together they let them follow the case online (“Follow a request”), without an account. It is shown only once.
filing-no-ack = The person has no e-mail address on record: no acknowledgement was sent. Give them the reference and the tracking code.
filing-open-case = Open the case
filing-another = { $kind ->
    [public] File another case
   *[private] File another ticket
}
invalid-answers = Some answers do not fit the service's form:

# Documents produced by a workflow step (PDF)
generated-reference = Case: { $reference }
generated-service = Procedure: { $service }
generated-requester = Issued to: { $name }
generated-decision = Decision: { $decision }
generated-date = Issued on { $date }
generated-answers = Details of the request:
generated-footer = Document issued by { $tenant }. Its authenticity can be checked with { $tenant } using the reference { $reference }.

## Bulk actions, routing, availability
bulk-title = Action on several cases
bulk-legend = Action on the selected cases
bulk-hint = Tick cases in the table, choose one action and its value, then apply. Each case is checked on its own; the next page says what was done or refused, and why.
bulk-select = Select
bulk-select-case = Select { $reference }
bulk-action-assign = Assign to an agent
bulk-action-label = Add labels
bulk-action-transition = Change the status
bulk-action-reply = Reply with a canned response
bulk-assignee = Agent
bulk-labels = Labels to add (separated by commas)
bulk-apply = Apply to the selected cases
bulk-results = What happened to each case
bulk-outcome = Outcome
bulk-detail = Detail
bulk-done = Done
bulk-refused = Refused
bulk-back = Back to the list
bulk-summary-done = { $count ->
    [0] no case done
    [one] one case done
   *[other] { $count } cases done
}
bulk-summary-refused = { $count ->
    [0] none refused
    [one] one refused
   *[other] { $count } refused
}
bulk-none-selected = Tick at least one case in the list.
bulk-too-many = Select 100 cases at most at once.
bulk-invalid-selection = The selection could not be read: reload the list and tick the cases again.
bulk-action-required = Choose an action to apply.
bulk-assignee-required = Choose the agent to assign the cases to.
bulk-labels-required = Type at least one label to add.
bulk-canned-required = Choose the canned response to send.
bulk-case-not-found = This case does not exist in this organisation.
bulk-stale = Someone changed this case after the list was loaded: nothing was changed, open it to see what is new.
bulk-done-assign = Assigned.
bulk-done-label = Labels added.
bulk-done-transition = Status changed.
bulk-done-reply = Reply sent.
case-assign-no-access = This agent has no access to this service: they are not in the team that handles it.
perm-supervise = Supervisor board, reassigning, agents' availability
perm-manage-automation = Routing and automation rules
admin-routing = Routing
routing-title = Routing of new cases
routing-intro = Each service can send its new cases to a team, then to one of its members. Agents who are away or have reached their capacity are skipped; when nobody can take the case, it waits in the team's queue. Only the members of a service's team (and supervisors) can be assigned its cases.
routing-no-services = There is no service yet.
routing-table = Services and their routing
routing-none = No rule: unassigned queue
routing-strategy = How the agent is chosen
routing-skill = Skill required
routing-edit-title = Routing
routing-team-hint = The team that handles this service's cases.
routing-skill-hint = Only for "by skill": one skill, as written on the agents' pages (e.g. English).
routing-strategy-team_only = Team only
routing-strategy-round_robin = Round-robin
routing-strategy-least_loaded = Least loaded
routing-strategy-skills = By skill
routing-strategy-team_only-hint = The case goes to the team's queue; its members take it.
routing-strategy-round_robin-hint = Each available member in turn.
routing-strategy-least_loaded-hint = The available member with the fewest open cases.
routing-strategy-skills-hint = Among the available members with the skill, the least loaded.
routing-delete = Remove the rule
routing-back = Back to routing
routing-saved = The routing rule is saved.
routing-deleted = The routing rule is removed: new cases of this service wait in the unassigned queue.
routing-team-required = Choose a team of this organisation.
routing-strategy-invalid = Choose how the agent is chosen.
routing-skill-required = Type the skill agents must have.
routing-one-skill = Type one skill only.
skill-too-long = A skill has 40 characters at most.
skill-invalid = A skill cannot contain control characters.
skills-too-many = 20 skills at most.
capacity-invalid = Type a whole number from 0 to 1000, or leave empty for no limit.
availability-invalid = Choose available or away.
availability-available = Available
availability-away = Away
availability-you-available = You are available: new cases can be routed to you.
availability-you-away = You are away: no new case is routed to you.
availability-go-away = Switch to away
availability-come-back = Switch to available
availability-saved = Your availability is saved.
board-title = Supervisor board
board-workload = Workload per agent
board-workload-caption = Open cases of each agent, against their capacity
board-no-agents = No agent can hold cases yet.
board-availability = Availability
board-open = Open cases
board-capacity = Capacity
board-full = full
board-no-limit = no limit
board-waiting = Waiting on requester
board-at-risk = At risk
board-breached = Breached
board-backlog = Backlog by age
board-backlog-caption = Open cases by time since submission
board-age = Submitted
board-unassigned = Unassigned
board-age-0 = Less than a day ago
board-age-1 = 1 to 3 days ago
board-age-2 = 3 to 7 days ago
board-age-3 = 7 to 30 days ago
board-age-4 = More than 30 days ago
board-risk = Cases at risk
board-risk-caption = Cases whose service level is breached or at risk, oldest first
board-no-risk = No case is at risk.
board-reassign = Reassign
board-reassign-case = Agent for { $reference }
board-reassigned = The case is reassigned.
agent-title = Agent
agent-open-cases = { $count ->
    [0] No open case.
    [one] One open case.
   *[other] { $count } open cases.
}
agent-capacity-hint = Open cases at most; empty for no limit. Routing skips an agent who has reached it.
agent-skills = Skills
agent-skills-hint = Separated by commas (e.g. English, sign language).
agent-availability-saved = The agent's availability is saved.

## Portal accounts: sign-up, profile, notifications, deletion, single sign-on
admin-accounts = Portal accounts
signup-link = No account yet? Create one
signup-title = Create an account
signup-intro = An account lets you follow your requests and find your drafts and documents again. We will send you a link to confirm your email address.
signup-confirm-password = Confirm the password
signup-submit = Create my account
signup-have-account = Already have an account? Sign in
signup-sent-title = Check your mailbox
signup-sent = An email has just been sent to { $email }. Open the link it contains within { $hours } hours to activate your account.
signup-sent-spam = Check your spam folder too. If no email arrives within a few minutes, you can start again.
signup-mail-subject = Confirm your address — { $tenant }
signup-mail-body = Hello,

    To activate your { $tenant } account, open this link (valid for { $hours } hours, usable once):

    { $link }

    If you did not ask for an account, ignore this message: nothing will be created.
signup-exists-mail-subject = Your account — { $tenant }
signup-exists-mail-body = Hello,

    Someone just asked to sign up to { $tenant } with your address, which already has an account.
    To sign in: { $login }
    Forgot your password: { $reset }

    If this was not you, ignore this message: nothing has changed.
signup-confirm-title = Confirm your email address
signup-confirm-intro = One last click to activate your account.
signup-confirm-button = Activate my account
signup-invalid = This link no longer works: it was already used or it has expired. Sign up again.
signup-done = Your address is confirmed and your account is ready. Welcome!
signup-exists = An account already exists for this address: sign in, or ask for a new password.
profile-title = My profile
profile-intro = This is what the service knows about you. Your email address is what you sign in with.
profile-saved = Profile saved.
profile-link = Edit my profile
notifications-title = Notifications
notifications-intro = For each kind of event, choose when to get an email. The acknowledgement of a request is always sent.
notifications-link = Choose my notifications
notify-kind-status = One of my requests moves to another step
notify-kind-message = The service writes to me about a request
notify-immediately = Immediately
notify-daily = In a daily digest
notify-never = Never
notifications-saved = Notification preferences saved.
notifications-invalid = Choose “immediately”, “in a daily digest” or “never” for each kind of event.
digest-mail-subject = Your daily digest — { $tenant }
digest-mail-intro = Hello,

    Here is what happened in your requests since the last digest:
digest-mail-outro = You get this digest because you chose it in your notification preferences: { $link }
delete-title = Delete my account
delete-link = Delete my account
delete-intro-pseudonymise = Your account will be deleted and your personal data (name, contact details, consents) replaced by a pseudonym. Your requests are kept, as the law requires, without your name or contact details.
delete-intro-keep-record = Your account will be deleted. The service keeps its record about you and your requests under its own retention rules.
delete-confirm-password = To confirm, enter your password
delete-confirm-email = To confirm, enter your account's email address
delete-email-wrong = This is not your account's email address.
delete-button = Delete my account for good
account-deleted = Your account has been deleted.
account-delete-staff = Staff accounts are removed by an administrator.
deletion-rule-title = Deletion of portal accounts
deletion-rule-intro = What happens to the record of a person who deletes their account. Their requests are always kept.
deletion-rule-pseudonymise = Pseudonymise the record (name replaced, contact details erased)
deletion-rule-keep-record = Keep the record under our retention rules
deletion-rule-invalid = Choose one of the two rules.
deletion-rule-saved = Deletion rule saved.
oidc-title = Sign-in through an identity provider (OpenID Connect)
oidc-intro = FranceConnect or any compatible provider. Redirect address to declare at the provider: { $callback }
oidc-issuer = Issuer
oidc-client-id = Client id
oidc-client-secret = Client secret
oidc-client-secret-hint = Leave empty to keep the saved secret.
oidc-label = Sign-in button label
oidc-acr = Requested level (acr_values, optional, for example eidas1)
oidc-enabled = Offer this sign-in on the portal
oidc-invalid-issuer = Enter the issuer's address: https://…, or http:// on the local machine.
oidc-invalid-client-id = Enter the client id (1 to 200 characters).
oidc-invalid-secret = Enter the client secret (1 to 500 characters).
oidc-invalid-label = Enter the button label (1 to 60 characters).
oidc-invalid-acr = The requested level may only hold letters, digits, dots, dashes and spaces.
oidc-saved = Identity provider saved.
oidc-sign-in-with = Sign in with { $provider }
oidc-or = or
oidc-failed = Signing in through the identity provider did not work. Try again, or sign in with your email address.
oidc-not-configured = Sign-in through an identity provider is not offered on this site.
admin-mail = Outgoing mail
mail-own = Your organisation's mail goes through the server below.
mail-instance = No server of your own: mail goes through the instance's settings (or is written as .eml files in the data folder). Set your SMTP server for it to go through yours.
mail-smtp-title = SMTP server
mail-host = Server (name or address)
mail-port = Port
mail-tls = Connection encryption
mail-tls-starttls = STARTTLS (port 587, the most common)
mail-tls-tls = TLS from the start (port 465)
mail-tls-none = None (only for a relay on the same machine)
mail-username = User name
mail-password = Password
mail-password-kept = A password is saved; it is never shown. Leave blank to keep it.
mail-forget-password = Forget the saved password
mail-sender = Sender
mail-sender-hint = For example: Town of Belleville <no-reply@belleville.example>
mail-invalid-host = Enter the server's name or address (letters, digits, dots and dashes).
mail-invalid-port = Enter a port between 1 and 65535.
mail-invalid-tls = Choose the connection encryption.
mail-invalid-username = The user name must be at most 200 characters.
mail-invalid-password = The password must be at most 500 characters.
mail-invalid-sender = Enter the sender: an address, optionally after a name (Name <address>).
mail-saved = The mail server is saved.
mail-cleared = Mail goes through the instance's settings again.
mail-test-title = Check sending
mail-test-send = Send me a test message
mail-test-sent = The test message is sent: check your mailbox.
mail-test-failed = The server did not accept the test message. Check the server, port, encryption and credentials.
mail-test-subject = Test message from { $tenant }
mail-test-body = This message checks that { $tenant }'s mail goes out. Nothing needs doing.
mail-clear-title = Back to the instance's settings
mail-clear-intro = Your settings are erased, password included.
mail-outbox-title = Latest mails
mail-outbox-intro = Every mail is written here first, then sent in the background through the server in force at that moment. A server that does not answer is tried again, with a longer wait each time (up to 8 attempts); a message the server refuses for good is not tried again.
mail-outbox-empty = No mail yet.
mail-outbox-caption = The latest 50 mails, newest first
mail-outbox-when = Written
mail-outbox-to = To
mail-outbox-subject = Subject
mail-outbox-state = State
mail-outbox-attempts = Attempts
mail-outbox-reason = Reason of the last failure
mail-outbox-queued = Waiting to be sent
mail-outbox-retry = Not sent yet: next attempt on { $date }
mail-outbox-sending = Being sent
mail-outbox-sent = Sent
mail-outbox-failed = Failed: not sent
mail-clear = Use the instance's settings

event-automation = Automation
admin-automation = Automation
automation-title = Automation rules
automation-intro = A rule acts on cases by itself: when a case is filed, changes status or gets a message from the requester, or when it has waited for some days. Each run is written on the case's timeline, with what each action did.
automation-new = New rule
automation-none = There is no rule yet.
automation-table = Automation rules
automation-name = Name
automation-when = When
automation-trigger = Event
automation-actions = Actions
automation-state = State
automation-runs = Runs
automation-enabled = Enabled
automation-disabled = Disabled
automation-edit-title = Automation rule
automation-delay = Number of days
automation-delay-hint = Only for the rules that wait (1 to 365 days).
automation-conditions = On which cases
automation-conditions-hint = Leave a condition empty to match every case.
automation-status = Status (its identifier)
automation-id-hint = The identifier shown in the service's workflow (e.g. waiting_documents).
automation-actions-hint = The actions are done in this order; fill in at least one.
automation-delete = Delete the rule
automation-back = Back to the rules
automation-saved = The rule is saved.
automation-deleted = The rule is deleted.
automation-trigger-case_created = A case is filed
automation-trigger-status_changed = A case changes status
automation-trigger-message_received = The requester sends a message
automation-trigger-waiting_days = The case waits on the requester for some days
automation-trigger-idle_days = The case stays in the same status for some days
automation-trigger-case_created-n = A case is filed
automation-trigger-status_changed-n = A case changes status
automation-trigger-message_received-n = The requester sends a message
automation-trigger-waiting_days-n = { $count ->
    [one] Waiting on the requester for one day
   *[other] Waiting on the requester for { $count } days
}
automation-trigger-idle_days-n = { $count ->
    [one] In the same status for one day
   *[other] In the same status for { $count } days
}
automation-action-assign = Assign to (a supervisor, to escalate)
automation-action-label = Add the label
automation-action-set_priority = Set the priority
automation-action-send_template = Send the canned response to the requester
automation-action-transition = Fire the transition (its identifier)
automation-name-required = Give the rule a name.
automation-name-too-long = A name has 100 characters at most, without control characters.
automation-name-taken = Another rule already has this name.
automation-trigger-invalid = Choose the event that starts the rule.
automation-delay-invalid = Type a number of days from 1 to 365.
automation-service-invalid = Choose a service of this organisation.
automation-label-invalid = A label has 40 characters at most and no comma.
automation-id-invalid = An identifier has letters, digits, _ and - only.
automation-action-required = Choose at least one action.
automation-ran = Rule « { $rule } »
shortcuts-title = Keyboard shortcuts
shortcuts-intro = With JavaScript on, these keys act on the page (not while you type in a field). Every action also works with the ordinary controls.
shortcuts-enable = Use the keyboard shortcuts in this browser
shortcut-reply = Write a reply to the requester
shortcut-note = Write an internal note
shortcut-status = Change the status
shortcut-assign = Assign the case
shortcut-priority = Change the priority
shortcut-labels = Edit the labels
shortcut-list = Back to the list of cases
shortcut-help = Show these shortcuts
shortcut-next-previous = Next / previous case in the list
shortcut-tick = Tick or untick the current case
shortcut-bulk = Go to the action on the ticked cases
shortcut-search = Search a reference

## Working together on a case: mentions, links, merges, followers, print, notifications
event-linked = Linked to another case
event-unlinked = Link removed
event-merged = Duplicates merged
event-detail-mentions = mentions { $names }
event-detail-merged-into = merged into { $reference }
event-detail-merged-from = { $reference } merged into this case
case-action-link = added a link
case-action-unlink = removed a link
case-action-merge = merged cases
case-link-side-related = Related to
case-link-side-duplicate_of = Duplicate of
case-link-side-duplicated_by = Has duplicate
case-link-side-parent_of = Parent of
case-link-side-child_of = Child of
case-link-choice-related = This case is related to…
case-link-choice-duplicate_of = This case is a duplicate of…
case-link-choice-duplicated_by = This case has a duplicate…
case-link-choice-parent_of = This case is the parent of…
case-link-choice-child_of = This case is a child of…
case-links = Linked cases
case-no-links = No linked cases.
case-link-kind = Kind of link
case-link-reference = Reference of the other case
case-reference-hint = For example ALPHA-2026-7KQ2M9XD.
case-link = Link
case-unlink = Remove the link
case-linked = Link added.
case-unlinked = Link removed.
case-link-kind-unknown = Choose a kind of link from the list.
case-link-unknown = No case with this reference can be reached here.
case-link-self = A case cannot be linked to itself.
case-link-exists = These two cases are already linked; remove the link to change it.
case-merge-title = Merge this duplicate
case-merge-reference = Reference of the main case
case-merge-hint = This case will be closed as merged into the main case; its messages, documents and history stay reachable from the main case.
case-merge = Merge into the main case
case-merged = Case merged into the main case.
case-merged-into = This case was merged into case
case-merged-from = Duplicates merged into this case:
case-merge-unknown = No case with this reference can be reached here.
case-merge-self = A case cannot be merged into itself.
case-merge-already = This case has already been merged.
case-merge-into-merged = The main case was itself merged: merge into the case that took it in.
case-merge-no-access = You have no access to the main case: the merge is refused.
case-merge-no-closed-status = This case's service has no closed status: it cannot be merged.
case-no-access = You have no access to this case.
case-followers = Followed by
case-also-open = Also open by these colleagues in the last { $minutes } minutes: agree on who acts before you answer or change the case.
case-follow = Follow this case
case-unfollow = Stop following this case
case-follow-hint = You will be told about new messages and status changes.
case-followed = You follow this case.
case-unfollowed = You no longer follow this case.
case-mention-hint = To alert a colleague, mention them: { $handles }.
case-mention-unknown = A mention names no agent who can see this case.
case-mention-unknown-named = Nobody can be mentioned here as { $handles }: only staff of this site who can see this case can be, by the part of their e-mail address before @. The note was not saved.
case-print = Printable version
case-print-back = Back to the case
case-print-hint = Use your browser's Print command.
case-printed-at = Printed on { $date }
case-requester-name = Name
mention-mail-subject = [{ $reference }] { $actor } mentioned you
mention-mail-text = { $actor } mentioned you in an internal note on case { $reference }:

    { $note }

    Open the case: { $link }
notifications-unread = { $count ->
    [0] No unread notifications.
    [one] One unread notification.
   *[other] { $count } unread notifications.
}
notifications-unread-short = { $count ->
    [one] unread
   *[other] unread
}
notifications-mark-read = Mark all as read
notifications-all-read = All notifications are read.
notifications-none = No notifications yet.
notifications-new = New
notification-mention = { $actor } mentioned you
notification-message = New message on a followed case ({ $actor })
notification-status = Status change on a followed case ({ $actor })
notification-merged = Merge on a followed case ({ $actor })

## Canned responses (administration)
admin-canned = Canned responses
canned-admin-title = Canned responses
canned-admin-intro = Agents start from these replies on a case page, in actions on several cases and in automation rules. Variables are replaced by the case's values when sent.
canned-none = No canned responses yet.
canned-title = Title
canned-body = Text
canned-body-hint = Variables are written in braces, for example {"{"}reference{"}"}.
canned-french = In French (required)
canned-english = In English
canned-english-hint = Optional: a requester who reads English gets this text; without it, they get the French one.
canned-no-english = French only
canned-updated = Changed on
canned-create = Create the canned response
canned-save = Save
canned-back = All canned responses
canned-edit-title = Canned response “{ $title }”
canned-delete-title = Delete
canned-delete-hint = Replies already sent stay in the cases' history; an automation rule using it will no longer be able to send it.
canned-delete = Delete this canned response
canned-created = Canned response created.
canned-saved = Canned response saved.
canned-deleted = Canned response deleted.
canned-title-taken = Another canned response already has this title.
canned-variables = Variables
canned-variables-intro = A text may use these variables; an unknown one is refused when saving.
canned-variable-reference = the case's reference
canned-variable-given_name = the requester's given name
canned-variable-family_name = the requester's family name
canned-variable-service = the service's title, in the requester's language
canned-variable-agent_name = the name of the agent who replies
canned-variable-organisation = the organisation the request is made for

## Knowledge articles and information pages
admin-articles = Information articles
articles-admin-title = Information articles
articles-admin-intro = Published public articles make the portal's information pages; internal articles are read by staff only. An article starts as a draft.
articles-none = No articles yet.
articles-back = Back to the articles
article-create = Create the article
article-edit = Edit
article-edit-title = Article: { $title }
article-slug = Short address
article-slug-hint = Lowercase letters, digits and hyphens, for example "identity-card": the page will be /information/identity-card.
article-slug-invalid = Enter a short address of 2 to 64 characters: lowercase letters, digits and hyphens, starting with a letter.
article-slug-taken = Another article already uses this short address.
article-category = Category
article-category-hint = Like the catalogue's, for example "etat-civil" or "proprete".
article-category-required = Enter a category.
article-category-invalid = The category may only hold lowercase letters, digits and hyphens.
article-visibility = Visibility
article-visibility-public = Public: on the portal's information pages
article-visibility-internal = Internal: read by staff only
article-visibility-public-short = Public
article-visibility-internal-short = Internal
article-visibility-invalid = Choose who may read the article.
article-french = In French
article-english = In English (optional)
article-english-hint = Without an English text, English readers see the French one.
article-title = Title
article-title-required = Enter a title.
article-title-too-long = The title must be at most 150 characters, with no control characters.
article-english-title-required = An English text needs its title.
article-english-body-required = An English title needs its text.
article-body = Text
article-body-hint = A blank line separates paragraphs. "##" at the start of a line makes a heading, "-" a list item, "1." a numbered list; [words](https://address) makes a link. HTML is shown as typed, never interpreted.
article-body-required = Enter the article's text.
article-body-too-long = The text must be at most 20,000 characters, with no control characters.
article-services = Related services
article-services-hint = Once published, the article appears under "Good to know" on these services' pages.
article-state = State
article-state-published = Published
article-state-draft = Draft
article-updated = Updated
article-is-draft = Draft: nobody outside the administration sees it.
article-is-published-public = Published, visible to everyone at
article-is-published-internal = Published for staff only.
article-publish = Publish
article-unpublish = Back to draft
article-preview = Preview of the saved French text
article-delete-title = Delete the article
article-delete-hint = The article disappears from the information pages and the services. This cannot be undone.
article-delete = Delete
article-created = Article created, as a draft.
article-saved = Article saved.
article-published = Article published.
article-unpublished = Article back to draft.
article-deleted = Article deleted.
information-title = Practical information
information-intro = What you need to know, by topic.
information-none = No information pages yet.
information-staff-hint = You are signed in as staff: internal articles are listed too.
information-found = Information pages
information-home-link = All practical information
article-internal-notice = Internal article: for staff only.
article-in-french = This page is not translated yet: here is the French text.
article-related-services = Related services
article-updated-on = Updated on { $date }.
article-good-to-know = Good to know
backoffice-knowledge-link = Information articles (public and internal)
