"""The Textual terminal app (wallet and verify desk); arrives with the terminal-app issue."""
