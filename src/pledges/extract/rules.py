"""The language of targets, as one declarative table per question.

Each table is read in order; the first entry that matches wins. The rule names are
what a candidate's `confidence.rule` reports, so a reviewer can see why it was read so.
"""

from __future__ import annotations

import re

# Words after a figure that set the comparison (以上 = at least, 以内 = at most …).
OP_AFTER: tuple[tuple[str, str], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("以内", "<="),
    ("以下", "<="),
    ("左右", "about"),
    ("上下", "about"),
)
# Words before a figure in its clause, nearest first.
OP_BEFORE: tuple[tuple[str, str], ...] = (
    ("不少于", ">="),
    ("不低于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("控制在", "<="),
    ("缩小至", "<="),
    ("缩小到", "<="),
    ("降至", "<="),
    ("降到", "<="),
    ("低于", "<"),
    ("超过", ">"),
    ("突破", ">"),
    ("高于", ">"),
    ("多于", ">"),
    ("均超", ">"),
    ("超", ">"),
    ("约", "about"),
)
# Bounds and approximations of reported figures (outcomes).
BOUND_AFTER = (("以上", "lower"), ("以内", "upper"), ("以下", "upper"))
BOUND_BEFORE = (("突破", "lower"), ("超过", "lower"), ("超", "lower"), ("不到", "upper"))
APPROX = ("左右", "约", "近", "大约")

# A clause that commits: the document says it will, or must, or strives to.
COMMIT = re.compile(
    r"(力争|确保|争取|目标|计划|预计到|将|要|努力|实现|达到|新增|新建|完成|开工|建成|"
    r"不少于|不低于|以上|以内|左右|控制在|提高到|提升至|提高至|提升到|突破|每年|年均|累计|"
    r"到20[0-9]{2}年|今年|全年|明年|下半年)"
)
# A clause that reports: what was done, compared with before.
PAST = re.compile(
    r"(同比|比上年|较上年|上年同期|两年平均|已经|已|获评|荣获|获得|入选|完成了|实现了|达到了|"
    r"位列|居全|排名|过去|去年|共计完成)"
)
STRETCH_FLOOR = re.compile(r"确保")
STRETCH_TOP = re.compile(r"力争|争取")

# Kind of metric.
GROWTH = re.compile(r"(增长|增速|增幅|涨幅|降幅|下降|上涨|提高|减少|降低)[^，,。；;]{0,3}$")
RATE_NAMES = re.compile(r"(失业率|涨幅|增速|增幅|降幅)")
FLOW = re.compile(
    r"(新增|新引进|新开工|新建|新培育|新认定|新招引|新开业|新落地|新签约|新入库|新改造|新创建|"
    r"引进|招引|培育|改造|开工|建设|举办|组织|开展|安排|完成|实施|打造|创建|建成|新开|"
    r"投资|减负|发放|帮扶|提供|吸引|落地|签约)"
)
CUMULATIVE = re.compile(r"累计|总量|总数|拥有|保有|存量")
# Words that make a figure a standing level, not this period's amount.
STANDING = re.compile(r"(达到|达|保持|稳定在|提升至|提高到|提高至|提升到|控制在|全覆盖)$")
# Shares, ratios and coverage: percentages that are levels, not growth.
SHARE = re.compile(r"(率|比重|占比|比例|覆盖|指数|程度|水平|强度|份额)")
# Units whose figures in an annual document are amounts for the year.
FLOW_UNITS = frozenset(
    {
        "count",
        "万个",
        "persons",
        "万人",
        "person-times",
        "万人次",
        "households",
        "m2",
        "万平方米",
        "亩",
        "万亩",
        "km",
        "CNY",
        "万元",
        "亿元",
        "USD",
        "万美元",
        "亿美元",
        "MW",
        "kW",
        "万千瓦",
        "GW",
    }
)
DECLINE = re.compile(r"(下降|降低|减少|降幅)$")

EVERY = (("每年", "year"), ("每半年", "half"), ("每季度", "quarter"), ("每月", "month"))

SET_BY = re.compile(r"(完成|达到)?(省|市|省市|上级)(下达|下发|核定)的?(目标|任务|指标)")
MILESTONE = re.compile(
    r"(?P<when>(?P<month>[0-9]{1,2}|[一二三四五六七八九十]{1,3})月(份|底|中旬|初|末)?前?|"
    r"年底前?|年内|上半年|下半年|(?P<q>[一二三四])季度)"
    r"(?P<pre>[^，,。；;]{0,8}?)"
    r"(?P<verb>建成投用|建成|开工|完工|竣工|投用|投入使用|交付使用|交付|开通|通车|启用|开业|"
    r"运营|投运|并网|揭牌|出台|印发)"
)

# Verbs and cue words trimmed from the ends of a metric name.
NAME_TRIM_START = re.compile(
    r"^(其中|全年|今年|全区|全市|力争|确保|争取|实现|完成|达到|推动|推进|加快|持续|累计|"
    r"新增|新建|新引进|新开工|"
    r"到20[0-9]{2}年|20[0-9]{2}年|“十[一二三四五]五”(期间|末)?|十[一二三四五]五(期间|末)?|"
    r"每年|年均|和|及|、|\s)+"
)
NAME_TRIM_END = re.compile(
    r"(分别|均|达到|达|实现|完成|突破|超过|超|不少于|不低于|控制在|提高到|提升至|提高至|提升到|"
    r"缩小至|保持|稳定在|力争|确保|争取|为|在|至|约|年均|\s|、|和)+$"
)

TAG_WORDS: tuple[tuple[str, str], ...] = (
    ("地区生产总值", "economy"),
    ("GDP", "economy"),
    ("增加值", "economy"),
    ("财政", "fiscal"),
    ("预算收入", "fiscal"),
    ("税", "fiscal"),
    ("投资", "investment"),
    ("项目", "investment"),
    ("消费", "consumption"),
    ("零售", "consumption"),
    ("进出口", "trade"),
    ("外资", "trade"),
    ("出口", "trade"),
    ("工业", "industry"),
    ("制造", "industry"),
    ("企业", "industry"),
    ("数字", "digital"),
    ("5G", "digital"),
    ("研发", "innovation"),
    ("R&D", "innovation"),
    ("专利", "innovation"),
    ("高新技术", "innovation"),
    ("人才", "talent"),
    ("光伏", "energy"),
    ("能源", "energy"),
    ("能耗", "energy"),
    ("充电", "energy"),
    ("空气", "environment"),
    ("水质", "environment"),
    ("排放", "environment"),
    ("绿地", "environment"),
    ("污水", "water"),
    ("供水", "water"),
    ("土地", "land"),
    ("亩", "land"),
    ("农", "agriculture"),
    ("粮", "agriculture"),
    ("乡村", "agriculture"),
    ("住房", "housing"),
    ("安置房", "housing"),
    ("公租房", "housing"),
    ("道路", "transport"),
    ("交通", "transport"),
    ("公交", "transport"),
    ("地铁", "transport"),
    ("学校", "education"),
    ("学位", "education"),
    ("教育", "education"),
    ("医", "health"),
    ("健康", "health"),
    ("养老", "elderly-care"),
    ("托育", "childcare"),
    ("婴幼儿", "childcare"),
    ("就业", "employment"),
    ("失业", "employment"),
    ("收入", "income"),
    ("参保", "social-security"),
    ("社保", "social-security"),
    ("文化", "culture"),
    ("体育", "culture"),
    ("旅游", "culture"),
)

# English words for the most common metric terms, for draft titles.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("地区生产总值", "GDP"),
    ("一般公共预算收入", "general public budget revenue"),
    ("财政总收入", "total fiscal revenue"),
    ("固定资产投资", "fixed-asset investment"),
    ("社会消费品零售总额", "retail sales of consumer goods"),
    ("城镇调查失业率", "surveyed urban unemployment rate"),
    ("居民消费价格指数", "consumer price index"),
    ("城镇居民人均可支配收入", "urban per-capita disposable income"),
    ("农村居民人均可支配收入", "rural per-capita disposable income"),
    ("规上工业增加值", "industrial value added above designated size"),
    ("数字经济核心产业增加值", "value added of core digital-economy industries"),
    ("实际利用外资", "foreign investment actually used"),
    ("进出口总额", "total imports and exports"),
    ("人才", "talent"),
    ("就业", "jobs"),
    ("光伏", "solar power"),
    ("绿地", "green space"),
    ("学校", "schools"),
    ("学位", "school places"),
    ("公园", "parks"),
    ("项目", "projects"),
    ("企业", "enterprises"),
    ("R&D", "R&D"),
    ("研发", "R&D"),
)
