import { gql } from '@urql/core';

// Notifications: the header's unread count, the inbox, delivery choices, unsubscribing.
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

// Notifications: the header's unread count (followed live on `myNotifications`), the inbox
// page with its paging back (`before`, an id) and the choice of delivery per kind.
export const UNREAD_NOTIFICATION_COUNT = gql`query UnreadNotificationCount { unreadNotificationCount }`;

const NOTIFICATION_FIELDS = gql`
  fragment NotificationFields on Notification {
    id kind proposalId forumId createdAt readAt summary
    details { proposalCode proposalTitle fromStatus toStatus level note forumName title startsAt authorName excerpt outcome reportId reportTitle }
  }
`;

export const NOTIFICATIONS = gql`
  query Notifications($before: Int, $first: Int!) {
    notifications(before: $before, first: $first) { ...NotificationFields }
  }
  ${NOTIFICATION_FIELDS}
`;

export const MARK_NOTIFICATIONS_READ = gql`mutation MarkNotificationsRead($ids: [Int!]) { markNotificationsRead(ids: $ids) }`;

export const NOTIFICATION_PREFERENCES = gql`query NotificationPreferences { notificationPreferences { kind delivery } }`;

export const SET_NOTIFICATION_PREFERENCE = gql`
  mutation SetNotificationPreference($kind: NotificationKind!, $delivery: NotificationDelivery!) {
    setNotificationPreference(kind: $kind, delivery: $delivery) { kind delivery }
  }
`;

export const UNSUBSCRIBE_FROM_MAIL = gql`mutation UnsubscribeFromMail($token: String!) { unsubscribeFromMail(token: $token) }`;
