import { gql } from '@urql/core';

// Live sessions: scheduling, the session, attendance, agenda, chat, the floor, polls.
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

// Live sessions. The page loads SESSION_SEQUENCE first, then SESSION, and follows
// sessionEvents after that sequence: whatever happens between the two reads is replayed.
export const LIVE_SESSIONS = gql`
  query LiveSessions($forumId: Int!) {
    liveSessions(forumId: $forumId) { id title startsAt place onlineUrl status openedAt closedAt }
  }
`;

export const SESSION_SEQUENCE = gql`query SessionSequence($id: Int!) { liveSession(id: $id) { id lastSequence } }`;

const AGENDA_FIELDS = gql`
  fragment AgendaItemFields on AgendaItem {
    id position title proposalId proposal { id code status } timeBoxMinutes startedAt endedAt endsAt decision decisionNote mergedIntoId
  }
`;

// While a poll is open its results advance in steps (withheld before the first); exact at its close.
const POLL_RESULTS_FIELDS = gql`
  fragment PollResultsFields on PollResults { total answers withheld options { index label votes } }
`;

// Attendance counts are public (present, by gender, guests awaiting); the list is for staff.
const COUNTS = gql`
  fragment AttendanceCountsFields on AttendanceCounts { present awaiting male female unspecified }
`;

export const SESSION = gql`
  query Session($id: Int!) {
    liveSession(id: $id) {
      id title startsAt place onlineUrl status openedAt closedAt
      forum { id name }
      currentItem { id }
      agenda { ...AgendaItemFields }
      attendanceCounts { ...AttendanceCountsFields }
      chat(last: 50) { id authorId author { id name } replyToId createdAt hidden hiddenReason body }
      speakerQueue { id accountId account { id name } status raisedAt floorAt floorSeconds endsAt }
      polls { id agendaItemId question kind closedAt myAnswer results { ...PollResultsFields } }
      viewerIsModerator viewerCheckedIn viewerAttendanceStatus viewerMutedUntil
      minutes {
        number
        header { title forumName forumLevel regionName cycleName planYear startsAt openedAt closedAt place onlineUrl chair }
        attendance { number name roleOrInstitution gender channel checkedInAt }
        attendanceSummary { total male female genderUnspecified online inHall }
        agenda { position title proposalCode proposalStatus decision note mergedIntoCode startedAt endedAt polls { pollId question kind results { ...PollResultsFields } } }
        priorities { source roundId rule budget totalCost rows { rank proposalId code title cost support selected list status } }
      }
    }
  }
  ${AGENDA_FIELDS}
  ${COUNTS}
  ${POLL_RESULTS_FIELDS}
`;

/** The attendance list: for the session's staff only (anyone else gets FORBIDDEN). */
export const SESSION_ATTENDANCE = gql`
  query SessionAttendance($id: Int!) {
    liveSession(id: $id) { id attendance { id accountId name roleOrInstitution gender channel checkedInAt status } attendanceCounts { ...AttendanceCountsFields } }
  }
  ${COUNTS}
`;

/** The viewer's own place on the list (a guest waiting for the moderator's decision). */
export const SESSION_VIEWER = gql`
  query SessionViewer($id: Int!) { liveSession(id: $id) { id viewerCheckedIn viewerAttendanceStatus attendanceCounts { ...AttendanceCountsFields } } }
  ${COUNTS}
`;

export const SCHEDULE_SESSION = gql`
  mutation ScheduleSession($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id title status startsAt } }
`;

export const SESSION_STEP = {
  open: gql`mutation OpenSession($id: Int!) { openSession(sessionId: $id) { id status } }`,
  pause: gql`mutation PauseSession($id: Int!) { pauseSession(sessionId: $id) { id status } }`,
  resume: gql`mutation ResumeSession($id: Int!) { resumeSession(sessionId: $id) { id status } }`,
  close: gql`mutation CloseSession($id: Int!) { closeSession(sessionId: $id) { id status } }`,
};

export const ADD_AGENDA_ITEM = gql`mutation AddAgendaItem($input: AgendaItemInput!) { addAgendaItem(input: $input) { id } }`;

export const MOVE_AGENDA_ITEM = gql`mutation MoveAgendaItem($itemId: Int!, $position: Int!) { moveAgendaItem(itemId: $itemId, position: $position) { id } }`;

export const REMOVE_AGENDA_ITEM = gql`mutation RemoveAgendaItem($itemId: Int!) { removeAgendaItem(itemId: $itemId) { id } }`;

export const SET_CURRENT_ITEM = gql`mutation SetCurrentItem($sessionId: Int!, $itemId: Int) { setCurrentItem(sessionId: $sessionId, itemId: $itemId) { id } }`;

export const DECIDE_AGENDA_ITEM = gql`mutation DecideAgendaItem($input: DecideItemInput!) { decideAgendaItem(input: $input) { id decision } }`;

export const CHECK_IN = gql`
  mutation CheckIn($sessionId: Int!, $role: String, $gender: Gender) { checkIn(sessionId: $sessionId, roleOrInstitution: $role, gender: $gender) { id status } }
`;

export const DECIDE_ATTENDANCE = gql`
  mutation DecideAttendance($attendanceId: Int!, $approve: Boolean!) { decideAttendance(attendanceId: $attendanceId, approve: $approve) { id status } }
`;

export const MARK_PRESENT = gql`mutation MarkPresent($input: MarkPresentInput!) { markPresent(input: $input) { id } }`;

export const SEND_CHAT = gql`
  mutation SendChat($sessionId: Int!, $body: String!, $replyToId: Int) { sendChatMessage(sessionId: $sessionId, body: $body, replyToId: $replyToId) { id } }
`;

export const HIDE_CHAT = gql`mutation HideChat($messageId: Int!, $reason: String!) { hideChatMessage(messageId: $messageId, reason: $reason) { id } }`;

export const MUTE = gql`
  mutation Mute($sessionId: Int!, $accountId: Int!, $minutes: Int!) { muteParticipant(sessionId: $sessionId, accountId: $accountId, minutes: $minutes) { id } }
`;

export const RAISE_HAND = gql`mutation RaiseHand($sessionId: Int!) { raiseHand(sessionId: $sessionId) { id } }`;

export const LOWER_HAND = gql`mutation LowerHand($sessionId: Int!, $accountId: Int) { lowerHand(sessionId: $sessionId, accountId: $accountId) { id } }`;

export const GIVE_FLOOR = gql`
  mutation GiveFloor($sessionId: Int!, $accountId: Int, $seconds: Int) { giveFloor(sessionId: $sessionId, accountId: $accountId, seconds: $seconds) { id } }
`;

export const END_FLOOR = gql`mutation EndFloor($sessionId: Int!) { endFloor(sessionId: $sessionId) { id } }`;

export const OPEN_POLL = gql`mutation OpenPoll($input: OpenPollInput!) { openPoll(input: $input) { id } }`;

export const ANSWER_POLL = gql`mutation AnswerPoll($pollId: Int!, $choice: Int!) { answerPoll(pollId: $pollId, choice: $choice) { id myAnswer results { ...PollResultsFields } } }
  ${POLL_RESULTS_FIELDS}
`;

export const CLOSE_POLL = gql`mutation ClosePoll($pollId: Int!) { closePoll(pollId: $pollId) { id } }`;
