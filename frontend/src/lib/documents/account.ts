import { gql } from '@urql/core';
import { ME_FIELDS } from '../queries';

// One's own account: password, contact details, one's data as JSON, erasure (pages/Account.tsx).
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

export const CHANGE_PASSWORD = gql`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }
`;

export const CHANGE_EMAIL = gql`
  mutation ChangeEmail($password: String!, $email: String) { changeEmail(password: $password, email: $email) { ...MeFields } }
  ${ME_FIELDS}
`;

export const CHANGE_PHONE = gql`
  mutation ChangePhone($password: String!, $phone: String) { changePhone(password: $password, phone: $phone) { ...MeFields } }
  ${ME_FIELDS}
`;

export const MY_DATA = gql`query MyData { myData }`;

export const ERASE_MY_ACCOUNT = gql`mutation EraseMyAccount($password: String!) { eraseMyAccount(password: $password) }`;
