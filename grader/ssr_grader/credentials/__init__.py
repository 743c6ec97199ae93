"""Stage 5, credentials: who qualifies, the certificate PDF, the signed Open Badge and the issuer's key."""
