// Client for the auth service: written alongside services/auth.
export {};
