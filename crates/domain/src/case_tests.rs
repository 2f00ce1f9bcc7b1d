use super::*;
use crate::Role;
use crate::service::definition::ServiceDefinition;
use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn civil_status() -> ServiceDefinition {
    let file: Value = serde_json::from_str(include_str!(
        "../../relais/demo/services/belleville-acte-etat-civil.json"
    ))
    .expect("demo service JSON");
    ServiceDefinition::from_json(&file["definition"].to_string()).expect("valid definition")
}

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    // November 2026: Monday 2nd, Wednesday 11th is Armistice Day.
    NaiveDate::from_ymd_opt(2026, 11, d)
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .expect("valid time")
}

const AGENT: Actor = Actor::Staff(Role::Agent);

fn ctx(answers: &Map<String, Value>) -> FireContext<'_> {
    FireContext {
        all_documents_validated: false,
        answers,
    }
}

#[test]
fn references_have_the_tenant_prefix_the_year_and_eight_crockford_characters() {
    let r = Reference::generate("belleville", 2026, 0x12_3456_789A);
    assert_eq!(r.as_str(), "BEL-2026-28T5CY4T");
    assert_eq!(
        Reference::generate("x", 2026, 0).as_str(),
        "REL-2026-00000000"
    );
    // Only 40 bits are used: a larger random number gives the same shape.
    assert_eq!(
        Reference::generate("brioche", 2027, u64::MAX).as_str(),
        "BRI-2027-ZZZZZZZZ"
    );
}

#[test]
fn references_are_read_as_people_type_them() {
    let typed = Reference::parse(" bel-2026-28t5cy4t ").expect("lowercase");
    assert_eq!(typed.as_str(), "BEL-2026-28T5CY4T");
    // O read as 0, I and L as 1.
    assert_eq!(
        Reference::parse("BEL-2026-O0IL0000").map(|r| r.to_string()),
        Some("BEL-2026-00110000".into())
    );
    for bad in [
        "",
        "BEL-2026",
        "BEL-26-28T5CY4T",
        "BEL-2026-28T5CY4",
        "B3L-2026-28T5CY4T",
        "BEL-2026-28T5CY4U",
        "BEL-2026-28T5CY4T-1",
    ] {
        assert_eq!(Reference::parse(bad), None, "{bad}");
    }
}

#[test]
fn tracking_codes_round_trip_through_what_people_type() {
    let code = tracking_code(0x0123_4567_89AB_CDEF_0123_4567_89AB_CDEF);
    assert_eq!(code.len(), 19);
    assert_eq!(code.matches('-').count(), 3);
    assert_eq!(normalise_tracking_code(&code), Some(code.clone()));
    let sloppy = code.to_lowercase().replace('-', " ");
    assert_eq!(normalise_tracking_code(&sloppy), Some(code));
    assert_eq!(normalise_tracking_code("ABCD-EFGH"), None);
    assert_eq!(
        normalise_tracking_code("ABCD-EFGH-JKMN-PQRU"),
        None,
        "U is not Crockford"
    );
}

#[test]
fn event_kinds_parse_back_and_staff_only_ones_are_not_public() {
    for kind in EventKind::ALL {
        assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
    }
    assert!(EventKind::MessageToRequester.is_public());
    assert!(EventKind::StatusChanged.is_public());
    assert!(!EventKind::Note.is_public());
    assert!(!EventKind::SlaBreached.is_public());
    assert_eq!(EventKind::parse("nope"), None);
}

#[test]
fn taking_charge_assigns_the_team_and_sets_a_deadline_in_business_days() {
    let def = civil_status();
    let answers = Map::new();
    let firing = Firing {
        transition: "take_charge",
        actor: AGENT,
        comment: None,
    };
    // Monday 9 Nov 10:00 + 10 business days skips the weekends and Armistice Day (Wed 11th).
    let plan = plan_transition(
        &def,
        "received",
        firing,
        &ctx(&answers),
        at(9, 10, 0),
        &BusinessCalendar::default(),
    )
    .expect("agent may take charge");
    assert_eq!(plan.to, "processing");
    assert_eq!(plan.to_kind, StatusKind::Open);
    assert_eq!(plan.team.as_deref(), Some("Accueil et état civil"));
    assert_eq!(plan.deadline, Some(Some(at(24, 10, 0))));
}

#[test]
fn asking_for_corrections_needs_a_comment_and_reopens_the_named_fields() {
    let def = civil_status();
    let answers = Map::new();
    let calendar = BusinessCalendar::default();
    let mut firing = Firing {
        transition: "ask_corrections",
        actor: AGENT,
        comment: Some("   "),
    };
    assert_eq!(
        plan_transition(
            &def,
            "processing",
            firing,
            &ctx(&answers),
            at(9, 10, 0),
            &calendar
        ),
        Err(PlanError::CommentRequired)
    );
    firing.comment = Some("Merci de préciser la date de l'acte.");
    let plan = plan_transition(
        &def,
        "processing",
        firing,
        &ctx(&answers),
        at(9, 10, 0),
        &calendar,
    )
    .expect("with a comment");
    let (fields, comment) = plan.corrections.expect("corrections");
    assert_eq!(fields, ["family_name", "given_names", "event_date"]);
    assert_eq!(comment, "Merci de préciser la date de l'acte.");
    assert_eq!(plan.to_kind, StatusKind::WaitingRequester);
}

#[test]
fn a_transition_the_workflow_or_the_role_does_not_allow_is_refused() {
    let def = civil_status();
    let answers = Map::new();
    let calendar = BusinessCalendar::default();
    let go = |current, transition, actor| {
        plan_transition(
            &def,
            current,
            Firing {
                transition,
                actor,
                comment: None,
            },
            &ctx(&answers),
            at(9, 10, 0),
            &calendar,
        )
    };
    assert!(matches!(
        go("received", "refuse", AGENT),
        Err(PlanError::Fire(FireError::NotAllowedForRole(_)))
    ));
    assert!(matches!(
        go("received", "take_charge", Actor::Staff(Role::Viewer)),
        Err(PlanError::Fire(FireError::NotAllowedForRole(_)))
    ));
    assert!(matches!(
        go("received", "resubmit", Actor::Requester),
        Err(PlanError::Fire(FireError::NotFromThisStatus { .. }))
    ));
    assert!(matches!(
        go("accepted", "take_charge", AGENT),
        Err(PlanError::Fire(FireError::AlreadyClosed(_)))
    ));
    // Issuing needs every document validated.
    assert!(matches!(
        go("processing", "issue", AGENT),
        Err(PlanError::Fire(FireError::ConditionNotMet(_)))
    ));
    assert!(go("incomplete", "resubmit", Actor::Requester).is_ok());
}

fn timer_state<'a>(
    status: &'a str,
    history: &'a [(String, NaiveDateTime)],
    answers: &'a Map<String, Value>,
    recorded: SlaState,
) -> TimerState<'a> {
    TimerState {
        status,
        history,
        priority: Priority::Normal,
        first_response_at: None,
        closed_at: None,
        recorded,
        answers,
        all_documents_validated: false,
    }
}

#[test]
fn service_level_warning_then_breach_are_reported_once_each() {
    let def = civil_status();
    let calendar = BusinessCalendar::default();
    let answers = Map::new();
    // Filed Monday 2 Nov 10:00; first response due in 2 business days (Wednesday 10:00),
    // warning at 80 %.
    let history = vec![("received".to_owned(), at(2, 10, 0))];
    let fresh = timers(
        &def,
        &timer_state("received", &history, &answers, SlaState::Ok),
        at(2, 11, 0),
        &calendar,
    );
    assert_eq!(fresh.sla_event, None);
    assert_eq!(fresh.first_response_due, Some(at(4, 10, 0)));
    let wake = fresh.next_at.expect("a warning to come");
    assert!(wake > at(2, 11, 0) && wake < at(4, 10, 0));

    let warned = timers(
        &def,
        &timer_state("received", &history, &answers, SlaState::Ok),
        wake,
        &calendar,
    );
    assert_eq!(warned.sla_event, Some(SlaState::Warning));
    let again = timers(
        &def,
        &timer_state("received", &history, &answers, SlaState::Warning),
        wake,
        &calendar,
    );
    assert_eq!(
        again.sla_event, None,
        "a warning already on the timeline is not repeated"
    );

    let late = timers(
        &def,
        &timer_state("received", &history, &answers, SlaState::Warning),
        at(4, 10, 1),
        &calendar,
    );
    assert_eq!(late.sla_event, Some(SlaState::Breached));
}

#[test]
fn waiting_on_the_requester_pauses_the_clock_and_a_silent_requester_times_out() {
    let def = civil_status();
    let calendar = BusinessCalendar::default();
    let answers = Map::new();
    let history = vec![
        ("received".to_owned(), at(2, 10, 0)),
        ("incomplete".to_owned(), at(2, 11, 0)),
    ];
    // A week later the clock is still paused: no breach, and the due time is unknown.
    let paused = timers(
        &def,
        &timer_state("incomplete", &history, &answers, SlaState::Ok),
        at(9, 11, 0),
        &calendar,
    );
    assert_eq!(paused.sla_event, None);
    assert_eq!(paused.first_response_due, None);
    // The "lapse" timeout fires by itself once due.
    let lapse = def
        .workflow
        .transition("lapse")
        .and_then(|t| t.timeout)
        .expect("lapse timeout");
    let due = lapse.due_at(at(2, 11, 0), &calendar);
    let before = timers(
        &def,
        &timer_state("incomplete", &history, &answers, SlaState::Ok),
        due - Duration::minutes(1),
        &calendar,
    );
    assert_eq!(before.timeout, None);
    assert_eq!(before.next_at, Some(due));
    let after = timers(
        &def,
        &timer_state("incomplete", &history, &answers, SlaState::Ok),
        due,
        &calendar,
    );
    assert_eq!(after.timeout.as_deref(), Some("lapse"));
}

#[test]
fn local_times_follow_daylight_saving_in_paris() {
    let winter = Utc
        .with_ymd_and_hms(2026, 1, 15, 9, 0, 0)
        .single()
        .expect("utc");
    let summer = Utc
        .with_ymd_and_hms(2026, 7, 15, 9, 0, 0)
        .single()
        .expect("utc");
    assert_eq!(
        to_local(winter, "Europe/Paris").format("%H:%M").to_string(),
        "10:00"
    );
    assert_eq!(
        to_local(summer, "Europe/Paris").format("%H:%M").to_string(),
        "11:00"
    );
    assert_eq!(
        from_local(to_local(summer, "Europe/Paris"), "Europe/Paris"),
        summer
    );
    // 29 March 2026, 02:30 does not exist in Paris: the first valid minute is 03:00 (01:00 UTC).
    let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
        .and_then(|d| d.and_hms_opt(2, 30, 0))
        .expect("t");
    assert_eq!(
        from_local(gap, "Europe/Paris"),
        Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0)
            .single()
            .expect("utc")
    );
    assert_eq!(to_local(winter, "Nowhere/Void"), winter.naive_utc());
}

proptest! {
    #[test]
    fn every_generated_reference_parses_back_to_itself(random in any::<u64>(), year in 2000i32..2100) {
        let r = Reference::generate("belleville", year, random);
        prop_assert_eq!(Reference::parse(r.as_str()), Some(r.clone()));
        prop_assert_eq!(Reference::parse(&r.as_str().to_lowercase()), Some(r));
    }

    #[test]
    fn every_tracking_code_normalises_to_itself(random in any::<u128>()) {
        let code = tracking_code(random);
        prop_assert_eq!(normalise_tracking_code(&code), Some(code.clone()));
    }

    #[test]
    fn the_next_timer_is_always_in_the_future(hours in 0i64..400) {
        let def = civil_status();
        let calendar = BusinessCalendar::default();
        let answers = Map::new();
        let history = vec![("received".to_owned(), at(2, 10, 0))];
        let now = at(2, 10, 0) + Duration::hours(hours);
        let out = timers(&def, &timer_state("received", &history, &answers, SlaState::Ok), now, &calendar);
        if let Some(next) = out.next_at {
            prop_assert!(next > now);
        }
    }
}
