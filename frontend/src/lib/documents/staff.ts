import { gql } from '@urql/core';
import { FORUM_SUMMARY } from './forums';

// The staff's screens: verifying accounts, cycles, stages and forums, roles.
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

export const ISSUE_RESET_CODE = gql`
  mutation IssuePasswordResetCode($accountId: Int!) { issuePasswordResetCode(accountId: $accountId) { code expiresAt } }
`;

export const ACCOUNTS = gql`
  query Accounts($filter: AccountFilter!, $first: Int, $after: String) {
    accounts(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name email phone verification createdAt homeRegion { id name } }
    }
  }
`;

export const VERIFY_ACCOUNT = gql`
  mutation VerifyAccount($accountId: Int!, $decision: VerificationStatus!) {
    verifyAccount(accountId: $accountId, decision: $decision) { id verification }
  }
`;

export const CYCLES = gql`
  query Cycles {
    cycles(first: 20) {
      nodes {
        id name planYear status createdAt
        region { id name }
        stages { id level opensAt closesAt locked }
      }
    }
  }
`;

export const CYCLE_FORUMS = gql`
  query CycleForums($cycleId: Int!, $first: Int, $after: String) {
    forums(filter: { cycleId: $cycleId }, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ForumSummary }
    }
  }
  ${FORUM_SUMMARY}
`;

export const CREATE_CYCLE = gql`
  mutation CreateCycle($input: CreateCycleInput!) { createCycle(input: $input) { id name planYear status } }
`;

export const SET_CYCLE_STATUS = gql`
  mutation SetCycleStatus($cycleId: Int!, $status: CycleStatus!) { setCycleStatus(cycleId: $cycleId, status: $status) { id status } }
`;

export const SET_STAGE = gql`
  mutation SetStage($input: SetStageInput!) { setStage(input: $input) { id level opensAt closesAt locked } }
`;

export const LOCK_STAGE = gql`
  mutation LockStage($stageId: Int!, $locked: Boolean!) { lockStage(stageId: $stageId, locked: $locked) { id locked } }
`;

export const CREATE_FORUM = gql`
  mutation CreateForum($input: CreateForumInput!) { createForum(input: $input) { ...ForumSummary } }
  ${FORUM_SUMMARY}
`;

export const UPDATE_FORUM = gql`
  mutation UpdateForum($input: UpdateForumInput!) { updateForum(input: $input) { ...ForumSummary } }
  ${FORUM_SUMMARY}
`;

export const SET_FORUM_STATUS = gql`
  mutation SetForumStatus($forumId: Int!, $status: ForumStatus!) { setForumStatus(forumId: $forumId, status: $status) { id status } }
`;

export const ADMIN_ACCOUNTS = gql`
  query AdminAccounts($filter: AccountFilter!, $first: Int, $after: String) {
    accounts(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name email phone verification homeRegion { id name } roles { id role forumId regionId agencyId createdAt } }
    }
  }
`;

export const GRANT_ROLE = gql`
  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { id role forumId regionId agencyId } }
`;

export const REVOKE_ROLE = gql`
  mutation RevokeRole($grantId: Int!) { revokeRole(grantId: $grantId) { id } }
`;
