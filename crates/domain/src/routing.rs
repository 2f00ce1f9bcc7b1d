//! Where a case goes and who may take it: routing rules per service (a team, then an agent of
//! it by round-robin, by least load or by skill), agents' availability and capacity, who has
//! access to a service's cases, and the selection of a bulk action. Pure rules: the callers
//! read the candidates and write the outcome.

use crate::Role;
use uuid::Uuid;

/// Characters in a skill at most.
pub const MAX_SKILL_CHARS: usize = 40;
/// Skills per agent at most.
pub const MAX_SKILLS: usize = 20;
/// Largest capacity an agent can be given (open cases at once).
pub const MAX_CAPACITY: i64 = 1000;

/// How a routing rule picks the agent within its team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// The case goes to the team; its members take it from the queue.
    TeamOnly,
    /// Each available member in turn.
    RoundRobin,
    /// The available member with the fewest open cases.
    LeastLoaded,
    /// Among the available members holding the rule's skill, the least loaded.
    Skills,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::TeamOnly,
        Strategy::RoundRobin,
        Strategy::LeastLoaded,
        Strategy::Skills,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::TeamOnly => "team_only",
            Strategy::RoundRobin => "round_robin",
            Strategy::LeastLoaded => "least_loaded",
            Strategy::Skills => "skills",
        }
    }

    pub fn parse(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A member of the rule's team, as the router sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    /// Takes new cases (`false`: away).
    pub available: bool,
    /// Open cases at most (`None`: no limit).
    pub capacity: Option<i64>,
    /// Open cases assigned now.
    pub open_cases: i64,
    /// Skills, as stored (compared without regard to case).
    pub skills: Vec<String>,
    /// Whether the account may act on cases at all (active staff, not a viewer).
    pub active: bool,
}

impl Candidate {
    /// Available, active, and below their capacity.
    pub fn can_take(&self) -> bool {
        self.active && self.available && self.capacity.is_none_or(|c| self.open_cases < c)
    }

    fn has_skill(&self, skill: &str) -> bool {
        let skill = skill.to_lowercase();
        self.skills.iter().any(|s| s.to_lowercase() == skill)
    }
}

/// Why no agent was picked (the case stays with the team).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPick {
    /// The rule gives the team only.
    TeamOnly,
    /// Nobody in the team is available with room left.
    NobodyAvailable,
    /// Nobody available holds the skill.
    NobodySkilled,
}

impl NoPick {
    pub fn as_str(self) -> &'static str {
        match self {
            NoPick::TeamOnly => "team-only",
            NoPick::NobodyAvailable => "nobody-available",
            NoPick::NobodySkilled => "nobody-skilled",
        }
    }
}

/// Picks the agent for a new case among `candidates` (the team's members). `last` is who got
/// the previous case of the rule (round-robin goes on after them, in the order of ids).
pub fn pick(
    strategy: Strategy,
    skill: Option<&str>,
    candidates: &[Candidate],
    last: Option<Uuid>,
) -> Result<Uuid, NoPick> {
    let mut ready: Vec<&Candidate> = candidates.iter().filter(|c| c.can_take()).collect();
    ready.sort_by_key(|c| c.id);
    match strategy {
        Strategy::TeamOnly => Err(NoPick::TeamOnly),
        Strategy::RoundRobin => next_after(&ready, last).ok_or(NoPick::NobodyAvailable),
        Strategy::LeastLoaded => least_loaded(&ready, last).ok_or(NoPick::NobodyAvailable),
        Strategy::Skills => {
            if ready.is_empty() {
                return Err(NoPick::NobodyAvailable);
            }
            let skilled: Vec<&Candidate> = match skill.map(str::trim).filter(|s| !s.is_empty()) {
                Some(skill) => ready.into_iter().filter(|c| c.has_skill(skill)).collect(),
                None => ready,
            };
            least_loaded(&skilled, last).ok_or(NoPick::NobodySkilled)
        }
    }
}

/// The first of `ready` (sorted by id) after `last`, wrapping around.
fn next_after(ready: &[&Candidate], last: Option<Uuid>) -> Option<Uuid> {
    let first = ready.first()?.id;
    Some(match last {
        Some(last) => ready.iter().find(|c| c.id > last).map_or(first, |c| c.id),
        None => first,
    })
}

/// The fewest open cases; ties go round-robin (after `last`), so equal agents share work.
fn least_loaded(ready: &[&Candidate], last: Option<Uuid>) -> Option<Uuid> {
    let min = ready.iter().map(|c| c.open_cases).min()?;
    let lightest: Vec<&Candidate> = ready
        .iter()
        .copied()
        .filter(|c| c.open_cases == min)
        .collect();
    next_after(&lightest, last)
}

/// Whether a staff member of `role` in `teams` has access to the cases of a service whose
/// routing rule names `service_team` (`None`: the service has no team of its own, everyone
/// has access). Supervisors and administrators have access to every service.
pub fn has_access(role: Role, teams: &[Uuid], service_team: Option<Uuid>) -> bool {
    match role {
        Role::Admin | Role::Supervisor => true,
        Role::Viewer => false,
        Role::Agent => service_team.is_none_or(|t| teams.contains(&t)),
    }
}

/// Skills typed as a comma-separated list: trimmed, blanks dropped, repeats kept once.
pub fn parse_skills(input: &str) -> Result<Vec<String>, &'static str> {
    let mut skills: Vec<String> = Vec::new();
    for raw in input.split(',') {
        let skill = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if skill.is_empty() {
            continue;
        }
        if skill.chars().count() > MAX_SKILL_CHARS {
            return Err("skill-too-long");
        }
        if skill.chars().any(char::is_control) {
            return Err("skill-invalid");
        }
        if !skills
            .iter()
            .any(|s| s.to_lowercase() == skill.to_lowercase())
        {
            skills.push(skill);
        }
    }
    if skills.len() > MAX_SKILLS {
        return Err("skills-too-many");
    }
    Ok(skills)
}

/// A capacity as typed: empty for no limit, else a whole number from 0 to [`MAX_CAPACITY`].
pub fn parse_capacity(input: &str) -> Result<Option<i64>, &'static str> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    match input.parse::<i64>() {
        Ok(n) if (0..=MAX_CAPACITY).contains(&n) => Ok(Some(n)),
        _ => Err("capacity-invalid"),
    }
}

/// Cases one bulk action may touch at most.
pub const MAX_BULK: usize = 100;

/// A case ticked in a list, with the version the list showed (a case changed since is
/// refused, not overwritten).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picked {
    pub case_id: Uuid,
    pub row_version: i64,
}

/// The ticked boxes of a list (`<id>.<row_version>` each): repeats kept once, in order.
pub fn parse_picked<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Picked>, &'static str> {
    let mut out: Vec<Picked> = Vec::new();
    for v in values {
        let (id, version) = v.trim().split_once('.').ok_or("bulk-invalid-selection")?;
        let case_id = Uuid::parse_str(id).map_err(|_| "bulk-invalid-selection")?;
        let row_version = version
            .parse::<i64>()
            .ok()
            .filter(|v| *v > 0)
            .ok_or("bulk-invalid-selection")?;
        if !out.iter().any(|p| p.case_id == case_id) {
            out.push(Picked {
                case_id,
                row_version,
            });
        }
    }
    if out.is_empty() {
        return Err("bulk-none-selected");
    }
    if out.len() > MAX_BULK {
        return Err("bulk-too-many");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn agent(n: u128, open: i64) -> Candidate {
        Candidate {
            id: id(n),
            available: true,
            capacity: None,
            open_cases: open,
            skills: vec![],
            active: true,
        }
    }

    #[test]
    fn round_robin_goes_on_after_the_last_and_wraps() {
        let team = [agent(3, 0), agent(1, 5), agent(2, 9)];
        assert_eq!(pick(Strategy::RoundRobin, None, &team, None), Ok(id(1)));
        assert_eq!(
            pick(Strategy::RoundRobin, None, &team, Some(id(1))),
            Ok(id(2))
        );
        assert_eq!(
            pick(Strategy::RoundRobin, None, &team, Some(id(2))),
            Ok(id(3))
        );
        assert_eq!(
            pick(Strategy::RoundRobin, None, &team, Some(id(3))),
            Ok(id(1))
        );
        // The last one left the team: the next id after theirs.
        assert_eq!(
            pick(Strategy::RoundRobin, None, &team, Some(id(0))),
            Ok(id(1))
        );
    }

    #[test]
    fn away_and_full_agents_are_skipped() {
        let mut away = agent(1, 0);
        away.available = false;
        let mut full = agent(2, 4);
        full.capacity = Some(4);
        let mut viewer = agent(4, 0);
        viewer.active = false;
        let team = [away.clone(), full.clone(), agent(3, 10), viewer];
        assert_eq!(pick(Strategy::RoundRobin, None, &team, None), Ok(id(3)));
        assert_eq!(pick(Strategy::LeastLoaded, None, &team, None), Ok(id(3)));
        assert_eq!(
            pick(Strategy::RoundRobin, None, &[away, full], None),
            Err(NoPick::NobodyAvailable)
        );
        assert_eq!(
            pick(Strategy::TeamOnly, None, &team, None),
            Err(NoPick::TeamOnly)
        );
        // A capacity of zero takes nothing.
        let mut zero = agent(5, 0);
        zero.capacity = Some(0);
        assert!(!zero.can_take());
    }

    #[test]
    fn least_loaded_takes_the_lightest_and_shares_ties() {
        let team = [agent(1, 3), agent(2, 1), agent(3, 1)];
        assert_eq!(pick(Strategy::LeastLoaded, None, &team, None), Ok(id(2)));
        assert_eq!(
            pick(Strategy::LeastLoaded, None, &team, Some(id(2))),
            Ok(id(3))
        );
    }

    #[test]
    fn skills_pick_among_those_who_hold_it() {
        let mut a = agent(1, 0);
        a.skills = vec!["Anglais".into()];
        let mut b = agent(2, 5);
        b.skills = vec!["anglais".into(), "LSF".into()];
        let mut c = agent(3, 2);
        c.skills = vec!["lsf".into()];
        let team = [a, b, c];
        assert_eq!(
            pick(Strategy::Skills, Some("ANGLAIS"), &team, None),
            Ok(id(1))
        );
        assert_eq!(pick(Strategy::Skills, Some("LSF"), &team, None), Ok(id(3)));
        assert_eq!(
            pick(Strategy::Skills, Some("arabe"), &team, None),
            Err(NoPick::NobodySkilled)
        );
        // No skill named: the least loaded of everyone.
        assert_eq!(pick(Strategy::Skills, None, &team, None), Ok(id(1)));
    }

    #[test]
    fn access_follows_the_services_team() {
        let team = id(9);
        assert!(has_access(Role::Agent, &[team], Some(team)));
        assert!(!has_access(Role::Agent, &[id(8)], Some(team)));
        assert!(has_access(Role::Agent, &[], None));
        assert!(has_access(Role::Supervisor, &[], Some(team)));
        assert!(has_access(Role::Admin, &[], Some(team)));
        assert!(!has_access(Role::Viewer, &[team], Some(team)));
    }

    #[test]
    fn skills_and_capacity_are_read_with_clear_refusals() {
        assert_eq!(
            parse_skills(" anglais, LSF ,, Anglais "),
            Ok(vec!["anglais".into(), "LSF".into()])
        );
        assert_eq!(parse_skills(&"x".repeat(41)), Err("skill-too-long"));
        assert_eq!(parse_capacity(""), Ok(None));
        assert_eq!(parse_capacity(" 12 "), Ok(Some(12)));
        assert_eq!(parse_capacity("-1"), Err("capacity-invalid"));
        assert_eq!(parse_capacity("douze"), Err("capacity-invalid"));
        assert_eq!(parse_capacity("1001"), Err("capacity-invalid"));
    }

    #[test]
    fn ticked_boxes_are_read_once_each_and_bounded() {
        let a = id(1);
        let b = id(2);
        let picked = parse_picked([
            format!("{a}.3").as_str(),
            format!("{b}.1").as_str(),
            format!("{a}.3").as_str(),
        ])
        .unwrap();
        assert_eq!(
            picked,
            vec![
                Picked {
                    case_id: a,
                    row_version: 3
                },
                Picked {
                    case_id: b,
                    row_version: 1
                }
            ]
        );
        assert_eq!(parse_picked([]), Err("bulk-none-selected"));
        assert_eq!(parse_picked(["nonsense"]), Err("bulk-invalid-selection"));
        assert_eq!(
            parse_picked([format!("{a}.x").as_str()]),
            Err("bulk-invalid-selection")
        );
        let many: Vec<String> = (0..101).map(|n| format!("{}.1", id(n + 10))).collect();
        assert_eq!(
            parse_picked(many.iter().map(String::as_str)),
            Err("bulk-too-many")
        );
    }
}
