"""Tests of the Slack adapter: pure translation, and the real Bolt app against a local fake."""
