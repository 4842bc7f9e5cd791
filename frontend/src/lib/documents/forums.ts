import { gql } from '@urql/core';

// The forums list and a forum (the forum pages, the map, moderation, the proposal form).
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

export const FORUM_SUMMARY = gql`
  fragment ForumSummary on Forum {
    id name level status budgetCeiling selectionLimit maxCount tolerancePercent
    region { id name level }
    agency { id abbreviation name }
    parentForum { id name }
  }
`;

export const FORUMS = gql`
  query Forums($filter: ForumFilter!, $first: Int, $after: String) {
    forums(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ForumSummary cycle { id planYear } }
    }
  }
  ${FORUM_SUMMARY}
`;

export const FORUM = gql`
  query Forum($id: Int!) {
    forum(id: $id) {
      ...ForumSummary
      viewerIsStaff
      cycle { id name planYear }
      stage { id level opensAt closesAt locked }
      votingRounds { id title method rule isOpen isClosed opensAt closesAt closedAt liveTally }
      submitted: proposals(statuses: [SUBMITTED, FORWARDED], first: 0) { totalCount }
      verified: proposals(statuses: [VERIFIED], first: 0) { totalCount }
      all: proposals(first: 0) { totalCount }
    }
  }
  ${FORUM_SUMMARY}
`;
