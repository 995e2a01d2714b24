"""Who is signed in: accounts and enrolment, sessions, partner sign-in (OIDC), passwords."""
