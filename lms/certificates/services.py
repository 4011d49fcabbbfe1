"""Certificates of completion: PDF with a verification code and QR, a public verification page, revocation by HR.

The app's public surface for other apps (docs/architecture.md)."""
