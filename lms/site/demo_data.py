"""Demo organization, members, catalog and progress (used by `seed_demo`)."""

from decimal import Decimal

ORG = {
    "公司党委": {
        "第一党支部": ["第一党小组", "第二党小组"],
        "第二党支部": ["第一党小组", "第二党小组"],
        "第三党支部": ["第一党小组"],
    }
}

# employee_no, name, unit path below 公司党委, roles
MEMBERS = [
    ("D1001", "王建国", "第一党支部", "member,branch_secretary"),
    ("D1002", "李红梅", "第一党支部", "member,committee_member"),
    ("D1003", "张伟", "第一党支部/第一党小组", "member"),
    ("D1004", "刘洋", "第一党支部/第一党小组", "member"),
    ("D1005", "陈静", "第一党支部/第一党小组", "member"),
    ("D1006", "杨帆", "第一党支部/第二党小组", "member"),
    ("D1007", "赵磊", "第一党支部/第二党小组", "member"),
    ("D1008", "黄丽", "第一党支部/第二党小组", "activist"),
    ("D1009", "周强", "第一党支部/第二党小组", "candidate"),
    ("D2001", "吴敏", "第二党支部", "member,branch_secretary"),
    ("D2002", "徐刚", "第二党支部", "member,committee_member"),
    ("D2003", "孙婷", "第二党支部/第一党小组", "member"),
    ("D2004", "马超", "第二党支部/第一党小组", "member"),
    ("D2005", "朱琳", "第二党支部/第一党小组", "member"),
    ("D2006", "胡斌", "第二党支部/第二党小组", "member"),
    ("D2007", "郭晶", "第二党支部/第二党小组", "member"),
    ("D2008", "何勇", "第二党支部/第二党小组", "activist"),
    ("D2009", "高雪", "第二党支部/第二党小组", "candidate"),
    ("D3001", "林涛", "第三党支部", "member,branch_secretary"),
    ("D3002", "罗娜", "第三党支部", "member,committee_member"),
    ("D3003", "梁鹏", "第三党支部/第一党小组", "member"),
    ("D3004", "宋佳", "第三党支部/第一党小组", "member"),
    ("D3005", "郑凯", "第三党支部/第一党小组", "member"),
    ("D3006", "谢芳", "第三党支部/第一党小组", "member"),
    ("D3007", "韩冰", "第三党支部/第一党小组", "activist"),
    ("D9001", "唐宁", "", "member,hr"),
    ("D9002", "冯晓", "", "member,trainer"),
    ("D9003", "邓华", "", "member,trainer"),
    ("D9004", "许可", "", "member,committee_member"),
    ("D9005", "曹阳", "", "member"),
]

CATEGORIES = [("理论学习", "theory"), ("党史学习", "party-history"), ("廉洁教育", "integrity"),
              ("安全生产", "safety"), ("业务技能", "skills")]

# Domain terms a trainer would enter as the talks' glossary (hotwords for the ASR model).
GLOSSARY = "三会一课,支部书记,党章党规,学时,主题党日,八项规定,礼品礼金,隐患排查,三级安全教育"

TALKS = [
    # file in samples/talks, title, language, speaker, category slug
    ("dev01_dangke.mp4", "专题党课：新时代党员教育培训", "zh", "王建国", "theory"),
    ("dev02_anquan.ogg", "安全生产月专题讲座", "zh", "安全环保部", "safety"),
    ("dev03_lianzheng.mp4", "廉洁从业警示教育", "zh", "纪委办公室", "integrity"),
    ("dev04_safety_en.ogg", "Quarterly safety briefing", "en", "HSE Department", "safety"),
]

LESSON_TEXT = {
    "党章": "<p>《中国共产党章程》是党的根本大法。党员要认真学习党章，自觉遵守党章，"
           "严格按照党章规定的党员标准要求自己。</p>",
    "党规": "<p>学习《中国共产党纪律处分条例》《中国共产党廉洁自律准则》，把纪律规矩挺在前面。</p>",
    "党史": "<p>学习党的百年奋斗重大成就和历史经验，从党的历史中汲取智慧和力量。</p>",
    "三会一课": "<p>“三会一课”是指定期召开支部党员大会、支部委员会、党小组会，按时上好党课。"
               "支部书记要带头落实组织生活制度。</p>",
    "廉洁": "<p>严守中央八项规定精神，不准收受礼品礼金，物资采购必须公开招标。</p>",
    "安全": "<p>落实安全生产责任制，班组每周开展一次隐患排查，新员工必须经过三级安全教育。</p>",
    "业务": "<p>结合岗位实际，提升数字化办公与项目管理能力。</p>",
    "入党": "<p>入党积极分子培训：党的基本知识、入党程序与入党动机端正。</p>",
}

COURSES = [
    # title, tier, category slugs, credit hours, audience roles, summary, lessons [(title, rule, minutes, text key)]
    ("新时代党员教育培训专题党课", "required_all", ["theory"], Decimal("4"), [],
     "本季度专题党课：党员教育培训的基本要求与学时规定。",
     [("专题党课视频", "video", 1, None), ("学习要点", "confirm", 1, "三会一课")]),
    ("党章党规学习", "required_all", ["theory"], Decimal("6"), [],
     "系统学习党章和党内法规，增强纪律意识。",
     [("学习党章", "confirm", 1, "党章"), ("学习党规", "confirm", 1, "党规")]),
    ("支部书记履职能力培训", "role_required", ["theory", "skills"], Decimal("8"),
     ["branch_secretary", "committee_member"],
     "面向支部书记和支委委员：三会一课、组织生活会、发展党员工作。",
     [("落实三会一课制度", "confirm", 1, "三会一课"), ("发展党员工作流程", "confirm", 1, "入党")]),
    ("入党积极分子培训", "role_required", ["theory"], Decimal("4"), ["activist"],
     "入党积极分子必修的入门培训。", [("党的基本知识", "confirm", 1, "入党")]),
    ("党史学习教育", "elective", ["party-history"], Decimal("3"), [],
     "学习党的百年奋斗历程。", [("百年党史", "confirm", 1, "党史")]),
    ("廉洁从业警示教育", "elective", ["integrity"], Decimal("2"), [],
     "警示教育与廉洁从业规定。", [("廉洁从业规定", "confirm", 1, "廉洁")]),
    ("安全生产专题培训", "elective", ["safety"], Decimal("2"), [],
     "安全生产法与隐患排查。", [("安全生产责任制", "confirm", 1, "安全")]),
    ("数字化办公技能", "elective", ["skills"], Decimal("2"), [],
     "常用办公软件与项目管理方法。", [("数字化办公", "confirm", 1, "业务")]),
]
