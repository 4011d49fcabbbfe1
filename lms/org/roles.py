"""The roles every installation has (codes are stable identifiers used by rules and imports)."""

SEEDED_ROLES = [
    ("member", "党员", "Party member"),
    ("activist", "入党积极分子", "Activist"),
    ("candidate", "发展对象", "Candidate for membership"),
    ("branch_secretary", "支部书记", "Branch secretary"),
    ("committee_member", "支委委员", "Branch committee member"),
    ("trainer", "培训讲师", "Trainer"),
    ("hr", "人事/组织干部", "HR / organization officer"),
]
