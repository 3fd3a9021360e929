"""Vendors, insurance certificates, contracts and bids."""
