//! The proposal status workflow as a table: which status may follow which, and who may move
//! it. Pure data; `proposals::transition` applies it with the stage and forum checks.
use entity::enums::ProposalStatus::{self, *};

/// Who may make a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The resident who proposed it.
    Proposer,
    /// The forum's moderators, planners above it and administrators.
    ForumStaff,
    /// Planners (and administrators) deciding the plan at the top forum.
    Planner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub by: Party,
    /// Rejections, returns and refusals must say why.
    pub note_required: bool,
}

const fn by(party: Party, note_required: bool) -> Option<Transition> {
    Some(Transition {
        by: party,
        note_required,
    })
}

pub fn transition(from: ProposalStatus, to: ProposalStatus) -> Option<Transition> {
    use Party::*;
    match (from, to) {
        (Draft | Returned, Submitted) => by(Proposer, false),
        // Taken back before anyone verified it, to fix a typo; it is a private draft again.
        (Submitted, Draft) => by(Proposer, false),
        (Draft | Submitted | Returned, Withdrawn) => by(Proposer, false),
        (Submitted, Returned) => by(ForumStaff, true),
        (Submitted | Forwarded | Reserve, Verified) => by(ForumStaff, false),
        (Submitted | Forwarded | Verified | Reserve, Rejected) => by(ForumStaff, true),
        (Verified | Reserve, Merged) => by(ForumStaff, false),
        (Verified, Reserve) => by(ForumStaff, false),
        (Verified, Forwarded) => by(ForumStaff, false),
        (Verified | Reserve, Accepted) => by(Planner, false),
        (Verified | Reserve, NotAccepted) => by(Planner, true),
        _ => None,
    }
}

/// The statuses that may follow `from`, for the UI's action buttons.
pub fn next_statuses(from: ProposalStatus) -> Vec<(ProposalStatus, Transition)> {
    use sea_orm::Iterable;
    ProposalStatus::iter()
        .filter_map(|to| transition(from, to).map(|t| (to, t)))
        .collect()
}

/// Statuses in which the proposer may still edit the text.
pub fn editable_by_proposer(status: ProposalStatus) -> bool {
    matches!(status, Draft | Returned)
}

/// Statuses that end a proposal's path at its level for good.
pub fn is_final(status: ProposalStatus) -> bool {
    matches!(
        status,
        Rejected | Merged | Accepted | NotAccepted | Withdrawn
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn final_statuses_have_no_way_out() {
        for from in ProposalStatus::iter().filter(|s| is_final(*s)) {
            assert!(next_statuses(from).is_empty(), "{from} should be final");
        }
    }

    #[test]
    fn every_refusal_needs_a_reason() {
        for to in [Rejected, Returned, NotAccepted] {
            for from in ProposalStatus::iter() {
                if let Some(t) = transition(from, to) {
                    assert!(t.note_required, "{from} -> {to} must require a note");
                }
            }
        }
    }

    #[test]
    fn residents_cannot_verify_their_own_proposals() {
        for from in ProposalStatus::iter() {
            for to in [Verified, Forwarded, Accepted] {
                if let Some(t) = transition(from, to) {
                    assert_ne!(t.by, Party::Proposer);
                }
            }
        }
    }
}
