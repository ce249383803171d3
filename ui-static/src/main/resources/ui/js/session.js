// Who is signed in, and what their role lets them do. The UI hides or explains what a role may not
// do; the service enforces it either way.
import { currentSession, setCsrfToken, signIn as apiSignIn, signOut as apiSignOut } from './api.js';

const RANK = { viewer: 0, contributor: 1, admin: 2 };
let current = null; // { user, method, csrfToken, expiresAt }

/** Loads the session from the service; null when nobody is signed in. */
export async function loadSession() {
  try {
    remember(await currentSession());
  } catch (error) {
    if (error.status !== 401) throw error;
    remember(null);
  }
  return current;
}

/** Signs in and remembers the session. */
export async function signIn(username, password) {
  remember(await apiSignIn(username, password));
  return current;
}

export async function signOut() {
  try {
    await apiSignOut();
  } finally {
    remember(null);
  }
}

/** Forgets the session without asking the service (it answered 401). */
export function forgetSession() {
  remember(null);
}

function remember(session) {
  current = session;
  setCsrfToken(session?.csrfToken ?? null);
}

/** The signed-in account, or null. */
export function currentUser() {
  return current?.user ?? null;
}

/** Whether the signed-in account has at least `role` (viewer < contributor < admin). */
export function can(role) {
  const user = currentUser();
  return !!user && RANK[user.role] >= RANK[role];
}

/** Whether the signed-in account may act on something `owner` ({ id }) submitted or uploaded. */
export function ownsOrAdmin(owner) {
  const user = currentUser();
  return !!user && (user.role === 'admin' || (owner?.id && owner.id === user.id));
}

/** Why an action needing `role` is not offered, for buttons that stay visible but disabled. */
export function needsRole(role) {
  return `This needs the ${role} role; you are signed in as a ${currentUser()?.role ?? 'visitor'}. Ask an admin.`;
}
