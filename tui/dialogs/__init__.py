"""Modal dialogs: errors with codes and advice, confirmations, text and file prompts."""
