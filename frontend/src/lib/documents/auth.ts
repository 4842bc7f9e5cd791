import { gql } from '@urql/core';
import { ME_FIELDS } from '../queries';

// Signing in, registering, confirming an address, resetting a password (pages/Auth.tsx).
// Only lazily loaded screens use these: they load with them, not with the first screen
// (lib/queries.ts has those of the first screen).

export const LOGIN = gql`
  mutation Login($identifier: String!, $password: String!) {
    login(identifier: $identifier, password: $password) { token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

export const REGISTER = gql`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { confirmationMailed token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

// Accounts: password reset (by e-mail link or a code handed over in the hall), changing one's
// contact details, one's data as JSON, erasure.
export const REQUEST_PASSWORD_RESET = gql`mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }`;

export const CONFIRM_REGISTRATION = gql`
  mutation ConfirmRegistration($token: String!) {
    confirmRegistration(token: $token) { token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

export const RESET_PASSWORD = gql`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) { token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;
