"""The roles every installation has (codes are stable identifiers used by rules and imports)."""

# The posts (岗位) every installation starts with; HR adds more in the admin. Codes are stable identifiers.
SEEDED_POSTS = [
    ("operation", "运行操作", "Operation"),
    ("maintenance", "设备维修", "Equipment maintenance"),
    ("safety", "安全管理", "Safety management"),
    ("finance", "财务", "Finance"),
    ("procurement", "采购", "Procurement"),
    ("management", "经营管理", "Business management"),
]

SEEDED_ROLES = [
    ("member", "党员", "Party member"),
    ("activist", "入党积极分子", "Activist"),
    ("candidate", "发展对象", "Candidate for membership"),
    ("branch_secretary", "支部书记", "Branch secretary"),
    ("committee_member", "支委委员", "Branch committee member"),
    ("trainer", "培训讲师", "Trainer"),
    ("hr", "人事/组织干部", "HR / organization officer"),
]
