"""Tools for small issuers: signing credentials and publishing their status lists."""
