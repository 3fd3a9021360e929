"""The association's documents: CC&Rs, bylaws, rules, policies, financial and insurance
documents as checked PDFs, with versions, for owners or for the board only."""
