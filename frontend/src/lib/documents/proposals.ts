import { gql } from '@urql/core';
import { COMMENT_FIELDS, PROPOSAL_SUMMARY } from '../queries';

// A proposal's page, its form, one's own proposals, hiding a comment.
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

export const MY_PROPOSALS = gql`
  query MyProposals($first: Int, $after: String) {
    myProposals(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ProposalSummary implementationStatus cycle { id planYear } forum { id status level } carriedOverTo { id } availableTransitions { to noteRequired } }
    }
  }
  ${PROPOSAL_SUMMARY}
`;

export const PROPOSAL = gql`
  query Proposal($id: Int!) {
    proposal(id: $id) {
      id code title status level problem solution physical address latitude longitude volume unit
      estimatedCost beneficiaries proposerType createdAt updatedAt
      cycle { id name planYear }
      forum { id name level viewerIsStaff }
      region { id name level }
      regionPath { id name level }
      sector { id name }
      activity { id code name unit unitCost }
      proposer { id name }
      proposerName anonymousToPublic
      initialAgency { id name abbreviation }
      finalAgency { id name abbreviation }
      mergedInto { id code title }
      sourceReport { id code title }
      attachments { id kind fileName contentType sizeBytes url createdAt }
      history { id level forumId fromStatus toStatus actorId note createdAt }
      recommendations { id level recommender decision volume amount note createdAt }
      comments { ...CommentFields }
      availableTransitions { to noteRequired }
    }
  }
  ${COMMENT_FIELDS}
`;

export const UPDATE_PROPOSAL = gql`
  mutation UpdateProposal($input: UpdateProposalInput!) { updateProposal(input: $input) { id code status } }
`;

export const HIDE_COMMENT = gql`
  mutation HideComment($commentId: Int!, $reason: String!) {
    hideComment(commentId: $commentId, reason: $reason) { id hidden hiddenReason body }
  }
`;
