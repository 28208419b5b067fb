"""Proofs from the phone: capture, clean-up pipeline, requests, encrypted storage."""
