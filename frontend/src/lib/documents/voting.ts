import { gql } from '@urql/core';

// Voting rounds: the ballot, paper ballots and their contests, the tally, the outcome.
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

// The viewer's own participation: choices only for an online ballot while the round is open;
// paper ballots carry who entered them, and the voter may contest them.
const OWN_BALLOT_FIELDS = gql`
  fragment OwnBallotFields on OwnBallot {
    channel receipt castAt sealed paperNumber sessionId enteredByName contestedAt contestReason
    choices { proposalId points }
  }
`;

export const ROUND = gql`
  query Round($id: Int!) {
    votingRound(id: $id) {
      id title method rule maxChoices pointsBudget maxPointsPerProposal costLimit
      opensAt closesAt closedAt liveTally isOpen isClosed
      forum { id name budgetCeiling tolerancePercent viewerIsStaff region { id name } }
      proposals { id code title estimatedCost region { id name } }
      myBallot { ...OwnBallotFields }
    }
  }
  ${OWN_BALLOT_FIELDS}
`;

export const ROUND_TALLY = gql`
  query RoundTally($id: Int!) {
    votingRound(id: $id) { id isOpen isClosed tally { ballots counted withheld minimumBallots rows { proposalId cost votes points borda } } }
  }
`;

export const ROUND_OUTCOME = gql`
  query RoundOutcome($id: Int!) {
    votingRound(id: $id) {
      id method isClosed
      outcome {
        rule budget ballots totalCost computedAt
        rows { proposalId code title rank cost support cumulativeCost selectedByRule selected list reason remainingBudget decisionReason }
      }
    }
  }
`;

export const ROUND_PB = gql`query RoundPb($id: Int!) { votingRound(id: $id) { id pabulib } }`;

export const CAST_BALLOT = gql`
  mutation CastBallot($roundId: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $roundId, choices: $choices) { receipt castAt } }
`;

export const PAPER_BALLOT = gql`
  mutation PaperBallot($input: PaperBallotInput!) { enterPaperBallot(input: $input) { receipt castAt } }
`;

export const CHECK_RECEIPT = gql`
  query CheckReceipt($roundId: Int!, $receipt: String!) {
    checkReceipt(roundId: $roundId, receipt: $receipt) { counted }
  }
`;

export const CONTEST_PAPER_BALLOT = gql`
  mutation ContestPaperBallot($roundId: Int!, $reason: String!) { contestPaperBallot(roundId: $roundId, reason: $reason) { ...OwnBallotFields } }
  ${OWN_BALLOT_FIELDS}
`;

export const PAPER_CONTESTS = gql`
  query PaperContests($id: Int!) {
    votingRound(id: $id) { id paperBallotContests { voterId voterName paperNumber sessionId enteredByName recordedAt contestedAt reason } }
  }
`;

export const ANNUL_PAPER_BALLOT = gql`
  mutation AnnulPaperBallot($roundId: Int!, $voterId: Int!, $note: String!) { annulPaperBallot(roundId: $roundId, voterId: $voterId, note: $note) }
`;

/** Who may have a paper ballot entered: people present at a running session of the forum. */
export const PAPER_VOTERS = gql`
  query PaperVoters($forumId: Int!) {
    liveSessions(forumId: $forumId) { id title status attendance { id accountId name roleOrInstitution status } }
  }
`;

export const OPEN_ROUND = gql`
  mutation OpenRound($input: OpenRoundInput!) { openVotingRound(input: $input) { id title } }
`;

export const CLOSE_ROUND = gql`
  mutation CloseRound($roundId: Int!) { closeVotingRound(roundId: $roundId) { id isOpen isClosed closedAt } }
`;

export const DECIDE_OUTCOME = gql`
  mutation DecideOutcome($roundId: Int!, $proposalId: Int!, $selected: Boolean!, $reason: String!) {
    decideOutcome(roundId: $roundId, proposalId: $proposalId, selected: $selected, reason: $reason) { id selected reason }
  }
`;
