import { gql } from '@urql/core';
import { FORUM_SUMMARY } from './forums';

// A forum's results and priority list, closing it, the reserve, carry-over, implementation, a proposal's path.
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

export const FORUM_RESULTS = gql`
  query ForumResults($id: Int!) {
    forum(id: $id) {
      ...ForumSummary
      viewerIsStaff
      cycle { id name planYear }
      votingRounds { id title method rule isOpen isClosed opensAt closesAt closedAt liveTally }
    }
  }
  ${FORUM_SUMMARY}
`;

// Escalation between levels: the priority list, closing a forum, the reserve, carry-over,
// implementation and a proposal's whole path (src/domain/escalation.rs, proposal_path.rs).
export const FORUM_PRIORITY = gql`
  query ForumPriority($id: Int!) {
    forum(id: $id) {
      id name level status closedAt viewerIsStaff budgetCeiling selectionLimit maxCount tolerancePercent
      parentForum { id name }
      votingRounds { id isOpen isClosed }
      unverified: proposals(statuses: [SUBMITTED, FORWARDED, RETURNED], first: 0) { totalCount }
      priorityList {
        fixed roundId budget
        rows {
          rank list reason support cost outcome note promotedAt
          proposal { id code title status level estimatedCost region { id name } forum { id name } }
        }
      }
    }
  }
`;

export const CLOSE_FORUM = gql`
  mutation CloseForum($input: CloseForumInput!) { closeForum(input: $input) { id status closedAt } }
`;

export const PROMOTE_RESERVE = gql`
  mutation PromoteReserve($forumId: Int!, $proposalId: Int!) {
    promoteReserve(forumId: $forumId, proposalId: $proposalId) { id status level forum { id name } }
  }
`;

export const CARRY_OVER = gql`
  mutation CarryOver($input: CarryOverInput!) { carryOverProposal(input: $input) { id code status cycle { id name planYear } } }
`;

export const ACTIVE_CYCLES = gql`
  query ActiveCycles { cycles(first: 20) { nodes { id name planYear status } } }
`;

export const REPORT_IMPLEMENTATION = gql`
  mutation ReportImplementation($input: ReportImplementationInput!) {
    reportImplementation(input: $input) { id status happenedOn note photoUrl }
  }
`;

export const PROPOSAL_PATH = gql`
  query ProposalPath($id: Int!) {
    proposal(id: $id) {
      id status implementationStatus
      finalAgency { id } initialAgency { id }
      carriedOverFrom { id code title cycle { id name } }
      path {
        carriedOverFromId carriedOverToId inPlan implementationStatus
        implementation { id status happenedOn note photoUrl createdAt }
        levels {
          forumId forumName level status arrivedAt leftAt
          changes { id fromStatus toStatus note createdAt actorId }
          recommendations { id recommender decision amount volume note createdAt }
          votes { roundId roundTitle method closed ballots votes points }
          priority { rank list reason support outcome note promotedAt }
        }
      }
    }
  }
`;
