"""Full screens: unlock, the main wallet/verify-desk screen, badge detail, present flow, help."""
