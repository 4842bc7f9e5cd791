import { gql } from '@urql/core';

// The GraphQL documents of the first screen (the shell, the home page, the proposals list),
// the fragments several areas share, the offline queue's writes and the complaint channel's.
// Those only lazily loaded screens use are in lib/documents/, one module per area, so they
// load with those screens and not before the first paint (issue #16).

export const ME_FIELDS = gql`
  fragment MeFields on Account {
    id
    name
    verification
    email
    phone
    homeRegion { id name level parentId }
    roles { id role forumId regionId agencyId }
  }
`;

export const ME = gql`
  query Me { me { ...MeFields } }
  ${ME_FIELDS}
`;

export const LOGOUT = gql`mutation Logout { logout { ok } }`;

export const REGIONS = gql`
  query Regions($parentId: Int, $level: RegionLevel, $within: Int, $search: String, $first: Int) {
    regions(parentId: $parentId, level: $level, within: $within, search: $search, first: $first) {
      totalCount
      nodes { id name code level parentId }
    }
  }
`;

export const REGION = gql`query Region($id: Int!) { region(id: $id) { id name code level parentId } }`;

export const CATALOGUE = gql`
  query Catalogue {
    sectors { id code name }
    agencies { id code name abbreviation }
    activities { id code name sectorId agencyId unit unitCost physical }
  }
`;

export const HOME = gql`
  query Home {
    cycles(first: 5) {
      nodes {
        id name planYear status
        region { id name }
        stages { id level opensAt closesAt locked }
        forums(first: 100) { totalCount nodes { id name level status votingRounds { id title isOpen isClosed closesAt method } } }
      }
    }
  }
`;

export const PROPOSAL_SUMMARY = gql`
  fragment ProposalSummary on Proposal {
    id code title status level estimatedCost beneficiaries createdAt latitude longitude commentCount
    region { id name }
    sector { id name }
    forum { id name }
  }
`;

export const PROPOSALS = gql`
  query Proposals($filter: ProposalFilter!, $sort: ProposalSort!, $first: Int, $after: String) {
    proposals(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { ...ProposalSummary }
    }
  }
  ${PROPOSAL_SUMMARY}
`;

export const COMMENT_FIELDS = gql`
  fragment CommentFields on Comment {
    id parentId createdAt hidden hiddenReason body author { id name }
    attachments { id kind fileName contentType sizeBytes url }
  }
`;

// Both writes carry the offline queue's idempotency key (outbox.ts): a retry with the same key
// gets what the first try made instead of a second copy.
export const CREATE_PROPOSAL = gql`
  mutation CreateProposal($input: CreateProposalInput!, $idempotencyKey: String) {
    createProposal(input: $input, idempotencyKey: $idempotencyKey) { id code status }
  }
`;

export const TRANSITION = gql`
  mutation Transition($input: TransitionInput!) {
    transitionProposal(input: $input) { id status level forum { id name } availableTransitions { to noteRequired } }
  }
`;

// Sent by upload.ts as a multipart request (the file is not JSON), not through urql.
export const UPLOAD_ATTACHMENT = gql`
  mutation UploadAttachment($proposalId: Int!, $kind: AttachmentKind!, $file: Upload!) {
    uploadAttachment(proposalId: $proposalId, kind: $kind, file: $file) { id kind fileName contentType sizeBytes url createdAt }
  }
`;

export const ADD_COMMENT = gql`
  mutation AddComment($proposalId: Int!, $parentId: Int, $body: String!, $idempotencyKey: String) {
    addComment(proposalId: $proposalId, parentId: $parentId, body: $body, idempotencyKey: $idempotencyKey) { ...CommentFields }
  }
  ${COMMENT_FIELDS}
`;

export const QUEUE = gql`
  query Queue($forumId: Int!, $first: Int, $after: String) {
    forum(id: $forumId) {
      id name viewerIsStaff
      proposals(statuses: [SUBMITTED, FORWARDED], sort: OLDEST, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...ProposalSummary address availableTransitions { to noteRequired } }
      }
    }
  }
  ${PROPOSAL_SUMMARY}
`;

// The complaint channel (laporan, issue #15): categories, lists (public, mine, the staff's
// queue), one report with its history, photos and what the viewer may do, the workflow's
// moves, merging, turning a report into a proposal, the satisfaction survey, the dashboard.
export const REPORT_CATEGORIES = gql`query ReportCategories { reportCategories { id code name agencyId verifyDays followUpDays active } }`;

export const REPORT_SUMMARY = gql`
  fragment ReportSummary on Report {
    id code kind title status privacy reporterName createdAt dueAt overdue escalationLevel mine following
    category { id name }
    region { id name level }
    agency { id name abbreviation }
  }
`;

export const REPORTS = gql`
  query Reports($filter: ReportFilter!, $first: Int, $after: String) {
    reports(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ReportSummary }
    }
  }
  ${REPORT_SUMMARY}
`;

export const REPORT = gql`
  query Report($id: Int!) {
    report(id: $id) {
      ...ReportSummary
      body address latitude longitude shareIdentityWithAgency updatedAt
      mine following coordinating handlingAgency
      rejectionReason mergedIntoId disputed followersCount
      verifyDueAt verifiedAt disposedAt followUpDueAt firstFollowUpAt answeredAt closedAt
      category { id name agencyId }
      proposal { id code title status }
      history { actorRole fromStatus toStatus note createdAt }
      photos { id url thumbnailUrl fromAgency width height }
      availableMoves
      canRate
    }
  }
  ${REPORT_SUMMARY}
`;

/** For the coordinators only (anyone else is refused these fields). */
export const REPORT_STAFF = gql`
  query ReportStaff($id: Int!) {
    report(id: $id) {
      id
      likelyDuplicates { distanceMetres report { id code title status createdAt address } }
      suggestedForum { id name status region { id name level } }
    }
  }
`;

export const FILE_REPORT = gql`
  mutation FileReport($input: FileReportInput!, $idempotencyKey: String) {
    fileReport(input: $input, idempotencyKey: $idempotencyKey) { id code status }
  }
`;

export const MOVE_REPORT = gql`
  mutation MoveReport($input: MoveReportInput!) { moveReport(input: $input) { id status availableMoves } }
`;

export const MERGE_REPORT = gql`
  mutation MergeReport($reportId: Int!, $intoId: Int!) { mergeReport(reportId: $reportId, intoId: $intoId) { id status mergedIntoId } }
`;

export const REPORT_TO_PROPOSAL = gql`
  mutation ReportToProposal($reportId: Int!, $proposal: CreateProposalInput!) { reportToProposal(reportId: $reportId, proposal: $proposal) { id code title status } }
`;

export const RATE_REPORT = gql`
  mutation RateReport($reportId: Int!, $answers: SatisfactionInput!) { rateReport(reportId: $reportId, answers: $answers) }
`;

// Sent by upload.ts as a multipart request, like UPLOAD_ATTACHMENT.
export const UPLOAD_REPORT_PHOTO = gql`
  mutation UploadReportPhoto($reportId: Int!, $file: Upload!) { uploadReportPhoto(reportId: $reportId, file: $file) { id url thumbnailUrl fromAgency width height } }
`;

const SATISFACTION_FIELDS = gql`fragment SatisfactionFields on SatisfactionIndex { value grade respondents elementMeans }`;

export const REPORT_DASHBOARD = gql`
  query ReportDashboard($year: Int!) {
    reportDashboard(year: $year) {
      year reports closed rejected overdueNow
      satisfaction { ...SatisfactionFields }
      agencies {
        agency { id name abbreviation }
        received answered followedUpOnTime onTimeShare medianHoursToFirstFollowUp overdueNow
        satisfaction { ...SatisfactionFields }
      }
      categories { category { id name } reports closed }
    }
  }
  ${SATISFACTION_FIELDS}
`;
