"""Which kind of entity a bare name is: a person, a company, an organisation or a public body.

Registers name counterparties without saying what they are (``Google``,
``Barnfield Construction``, ``Rail Forum Europe``, ``President Abbas of
Palestine``, ``华鼎科技``, ``某市住房和城乡建设局``). :func:`classify` reads the
name for evidence, strongest first, and says which evidence it used:

1. a legal form (Ltd, Limited, PLC, GmbH, S.A., 有限公司, 公司, ...) → company;
2. words of government (Ministry, Embassy, Council, Authority, Permanent
   Representation, 局, 委员会, 政府, ...) → public body;
3. words of associations (Association, Foundation, Society, Forum, Union,
   协会, 基金会, 商会, ...) → organisation;
4. words of business (Group, Holdings, Construction, Media, Bank, 科技, 传媒,
   ...) or digits in the name → company;
5. a person's shape: a title or post-nominal (Mr, Dr, Sir, Lord, MP, OBE,
   先生, 女士), ``Surname, Given``, a Chinese name of 2 to 4 characters
   starting with a common surname, or 2 to 4 capitalised words whose first is
   a known given name (the given-name list of ``gender-guesser``);
6. otherwise unknown (None): a single word or capitalised words with no
   evidence either way. An unknown name is compared with every kind, and when
   an entity has to be created from it, it is never a person by default.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from .identifiers import strip_embedded

PEOPLE, COMPANIES, ORGANISATIONS, PUBLIC_BODIES = "people", "companies", "organisations", "public_bodies"

_LEGAL_EN = (
    r"ltd|limited|plc|llp|llc|lp|inc|incorporated|corp|corporation|co|company|gmbh|mbh|ag|kg|kgaa|se|sa|s\.a|"
    r"sas|sarl|srl|spa|s\.p\.a|nv|bv|oy|oyj|ab|asa|as|a/s|aps|kk|pty|pvt|bhd|sdn|cic|pte|ltda|sl|s\.l|"
    r"eirl|sprl|bvba|zrt|kft|sp\. z o\.o|ohg|eg|ev|e\.v|sro|s\.r\.o|doo|d\.o\.o|oao|ooo|pjsc|jsc|ulc|lllp"
)
_LEGAL_RE = re.compile(r"(?:^|[\s,.(])(?:" + _LEGAL_EN + r")\.?(?=$|[\s,.)])", re.IGNORECASE)
_LEGAL_CN = re.compile(r"(有限公司|有限责任公司|股份公司|公司|集团|合伙企业|株式会社|工厂|厂$)")

_PUBLIC_EN = re.compile(
    r"\b(ministry|ministries|minister of|department (?:of|for)|embassy|high commission|consulate|government|"
    r"council|parliament|senate|assembly|authority|authorities|agency|commission|commissioner|"
    r"permanent representation|representation of|delegation of|mission of|office of|cabinet office|"
    r"president of|prime minister of|king of|queen of|emir of|sultan of|crown prince|ambassador|"
    r"head of state|police|constabulary|armed forces|army|navy|air force|nhs|municipality|municipal|"
    r"city of|state of|republic of|kingdom of|borough|county|county council|prefecture|province of|"
    r"court|tribunal|ombudsman|regulator|inspectorate|treasury|exchequer|central bank|"
    r"european union|united nations|secretariat|directorate|bureau of|"
    r"ministère|ministerium|bundes\w*|regierung|gobierno|ministerio|ministério|ministero|gouvernement|governo|"
    r"comune|ayuntamiento|municipalidad|prefeitura|mairie|ville de|préfecture|conseil régional|"
    r"conseil départemental|consejo|consiglio|stadt|gemeinde|landkreis|regione|región|provincia|"
    r"ambassade|embajada|embaixada|botschaft|ambasciata)\b",
    re.IGNORECASE)
_PUBLIC_CN = re.compile(
    r"(政府|人民政府|委员会|管委会|局$|局\b|厅$|部$|署$|办公室$|办公厅|人民法院|法院|检察院|大使馆|领事馆|"
    r"街道办事处|办事处$|监察|公安|财政|税务|海关|人大|政协|党委|纪委|国务院|省委|市委|县委)")

_ORG_EN = re.compile(
    r"\b(association|associations|foundation|society|institute|institution|federation|confederation|"
    r"union|unions|club|forum|network|alliance|coalition|chamber|charity|charitable|church|diocese|party|"
    r"league|academy|university|college|school|hospital|hospice|museum|gallery|orchestra|opera|theatre|"
    r"festival|campaign|movement|initiative|centre for|center for|think tank|trust|trustees|fund|"
    r"committee|guild|appg|all[- ]party|parliamentary group|ngo|non[- ]profit|not[- ]for[- ]profit|"
    r"council for|council of|board of|friends of|royal society|order of|brotherhood|sisterhood|"
    r"verein|verband|stiftung|fondation|fundación|fundação|fondazione|associazione|asociación|associação|"
    r"vereniging|stichting|federación|federação|federazione|confederación|confederação|confederazione|"
    r"sindicato|syndicat|gewerkschaft|cámara|câmara|chambre|kammer|camera di commercio)\b",
    re.IGNORECASE)
_ORG_CN = re.compile(r"(协会|学会|基金会|商会|工会|联合会|促进会|研究会|俱乐部|联盟|社团|慈善|红十字会|大学|学院|学校|医院|"
                     r"研究院|研究所|博物馆|论坛|总会|理事会)")

_BUSINESS_EN = re.compile(
    r"\b(group|holdings?|partners|partnership|capital|bank|banking|airways|airlines?|airport|motors?|media|"
    r"technologies|technology|tech|consulting|consultants?|consultancy|construction|builders|entertainment|"
    r"energy|power|pharma|pharmaceuticals?|systems|solutions|services|industries|industrial|enterprises?|"
    r"ventures|investments?|investors|properties|property|productions?|studios?|records|publishing|publishers|"
    r"news|newspapers?|broadcasting|television|tv|radio|railways?|rail|trains|communications|telecoms?|"
    r"insurance|finance|financial|securities|logistics|foods?|drinks|beverages|brewery|breweries|distillery|"
    r"hotels?|resorts?|restaurants?|cafe|developments?|homes|estates?|advisors|advisers|management|global|"
    r"digital|labs?|software|networks|aerospace|defence|defense|engineering|manufacturing|mining|oil|gas|"
    r"shipping|retail|stores?|supermarkets?|trading|traders|imports?|exports?|agency ltd|events|"
    r"marketing|pr|communications|sports|racing|circuits?|football club|fc|afc|plc)\b",
    re.IGNORECASE)
_BUSINESS_CN = re.compile(r"(科技|银行|酒店|传媒|实业|贸易|投资|控股|置业|地产|房地产|建设|建筑|工程|制药|生物|医药|"
                          r"电子|电器|能源|物流|商贸|商行|超市|餐饮|饭店|宾馆|事务所|工作室|店$|行$|厂)")

_TITLES = re.compile(
    r"^(?:the\s+)?(mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lord|lady|baroness|baron|viscount|earl|"
    r"rt\.? hon|right hon(?:ourable)?|hon|cllr|councillor|rev|reverend|hrh|his excellency|her excellency|"
    r"he|monsieur|madame|herr|frau|sr|sra|señor|señora)\.?\s+", re.IGNORECASE)
_POSTNOMINALS = re.compile(r"(?:,?\s+(mp|mep|msp|ms|am|obe|mbe|cbe|kbe|dbe|kc|qc|jp|phd|frs|bt|esq))+\.?$",
                           re.IGNORECASE)
_CN_TITLES = re.compile(r"(先生|女士|小姐|夫人|同志|教授|博士|老师|医生|主任|局长|处长|科长|书记|厅长|部长|经理|总经理|董事长)$")
# The most common Chinese surnames (they cover about 90 % of the population), two-character ones first.
_CN_SURNAMES = (
    "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|令狐|夏侯|"
    "王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|高|林|罗|郑|梁|谢|宋|唐|许|韩|冯|邓|曹|彭|曾|肖|田|董|"
    "袁|潘|于|蒋|蔡|余|杜|叶|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|钟|谭|陆|汪|范|金|石|廖|贾|夏|韦|付|方|白|邹|孟|"
    "熊|秦|邱|江|尹|薛|闫|段|雷|侯|龙|史|陶|黎|贺|顾|毛|郝|龚|邵|万|钱|严|覃|武|戴|莫|孔|向|汤|常|温|康|施|文|"
    "牛|樊|葛|邢|安|齐|易|乔|伍|庞|颜|倪|庄|聂|章|鲁|岳|翟|殷|詹|申|欧|耿|关|兰|焦|俞|左|柳|甘|祝|包|宁|尚|符|"
    "舒|阮|柯|纪|梅|童|凌|毕|单|季|裴|霍|涂|成|苗|谷|盛|曲|翁|冉|骆|蓝|路|游|辛|靳|管|柴|蒙|鲍|华|喻|祁|蒲|房|"
    "滕|屈|饶|解|牟|艾|尤|阳|时|穆|农|司|卓|古|吉|缪|简|车|项|连|芦|麦|褚|娄|窦|戚|岑|景|党|宫|费|卜|冷|晏|席|"
    "卫|米|柏|宗|瞿|桂|全|佟|应|臧|闵|苟|邬|边|卞|姬|师|和|仇|栾|隋|商|刁|沙|荣|巫|寇|桑|郎|甄|丛|仲|虞|敖|巩|"
    "明|佘|池|查|麻|苑|迟|邝|官|封|谈|匡|鞠|惠|荆|乐|冀|郁|胥|南|班|储|原|栗|燕|楚|鄢|劳|谌|奚|皮|粟|冼|蔺|楼|"
    "盘|满|闻|位|厉|伊|仝|区|郜|海|阚|花|权|强|帅|屠|豆|朴|盖|练|廉|禹|井|祖|漆|巴|丰|支|卿|国|狄|平|计|索|宣|"
    "晋|相|初|门|云|容|敬|来|扈|晁|芮|都|普|阙|浦|戈|伏|鹿|薄|邸|雍|辜|羊|阿|乌|母|裘|亓|修|邰|赫|杭|况|那|宿|"
    "鲜|印|逯|隆|茹|诸|战|慕|危|玉|银|亢|嵇|公|哈|湛|宾|戎|勾|茅|利|於|呼|居|揭|干|但|尉|冶|斯|元|束|檀|衣|信|"
    "展|阴|昝|智|幸|奉|植|衡|富|尧|闭|由")
_CN_PERSON = re.compile(r"^(?:" + _CN_SURNAMES + r")[\u3400-\u9fff]{1,2}$")
_HEAD_OF_STATE = re.compile(r"^(?:his |her )?(?:majesty |excellency |royal highness )?(?:the )?"
                            r"(president|vice[- ]president|king|queen|emir|amir|sultan|sheikh|prime minister|"
                            r"crown prince|prince|princess|chancellor|governor|mayor|ambassador|chairman|"
                            r"premier)\b.*\bof\b", re.IGNORECASE)
_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]+$|^[A-Z]\.?$|^(?:de|van|von|der|den|da|di|du|la|le|bin|al|el|ibn|mac|st)$")


@functools.lru_cache(maxsize=1)
def _given_names():
    """The given-name list of gender-guesser (about 40,000 names from many countries)."""
    import gender_guesser.detector as gd

    return gd.Detector(case_sensitive=False)


def is_given_name(word: str) -> bool:
    return _given_names().get_gender(word) != "unknown"


def _strip_person_marks(name: str) -> tuple[str, bool]:
    s, marked = name, False
    while True:
        m = _TITLES.match(s)
        if not m:
            break
        s, marked = s[m.end():], True
    s2 = _POSTNOMINALS.sub("", s)
    return s2.strip(), marked or s2 != s


@functools.lru_cache(maxsize=200_000)
def classify(name: str | None) -> tuple[str | None, str]:
    """(kind or None, the evidence): people, companies, organisations, public_bodies, or None for unknown."""
    s = strip_embedded(unicodedata.normalize("NFKC", str(name or "")).strip())
    if not s:
        return None, "empty name"
    if "," in s:  # 'Beth Rigby, Political Editor, Sky News': a person, then their role
        head = s.split(",")[0].strip()
        if not _has_any_kind_word(head):
            k, why = _person_shape(head)
            if k:
                return k, why + " (before a comma)"
    if _HEAD_OF_STATE.match(s):
        return PUBLIC_BODIES, "a head of state or government"
    if _LEGAL_CN.search(s):
        return COMPANIES, "a Chinese legal form"
    if _LEGAL_RE.search(s):
        return COMPANIES, "a legal form"
    if _PUBLIC_CN.search(s) or _PUBLIC_EN.search(s):
        return PUBLIC_BODIES, "a word of government"
    if _ORG_CN.search(s) or _ORG_EN.search(s):
        return ORGANISATIONS, "a word of associations"
    if _BUSINESS_CN.search(s) or _BUSINESS_EN.search(s):
        return COMPANIES, "a word of business"
    if re.search(r"\d", s):
        return COMPANIES, "digits in the name"
    k, why = _person_shape(s)
    if k:
        return k, why
    return None, why


def _has_any_kind_word(s: str) -> bool:
    return any(rx.search(s) for rx in (_LEGAL_CN, _LEGAL_RE, _PUBLIC_CN, _PUBLIC_EN, _ORG_CN, _ORG_EN,
                                       _BUSINESS_CN, _BUSINESS_EN)) or bool(re.search(r"\d", s))


def _person_shape(s: str) -> tuple[str | None, str]:
    """(people, why) when ``s`` is shaped like a person's name, else (None, why not)."""
    cjk = re.sub(r"[\s·•]", "", s)
    if re.fullmatch(r"[\u3400-\u9fff]+", cjk):
        core = _CN_TITLES.sub("", cjk) or cjk
        if _CN_PERSON.match(core):
            return PEOPLE, "a Chinese personal name"
        return None, "Chinese name of no known shape"
    head = s.split(",")[0].strip()
    core, marked = _strip_person_marks(head)
    words = core.replace("\u00a0", " ").split()
    if marked and 1 <= len(words) <= 5:
        return PEOPLE, "a title or post-nominal"
    if 2 <= len(words) <= 3 and re.fullmatch(r"[A-Z]\.?", words[0]) and all(_WORD.match(w) for w in words[1:]):
        return PEOPLE, "an initial and a surname"
    if "," in s and len(words) == 1 and re.fullmatch(r"[A-Z][A-Za-z'’\-]+,\s*[A-Z][a-z]+(?:\s+[A-Z]\.?)*", s):
        return PEOPLE, "'Surname, Given name'"
    if 2 <= len(words) <= 4 and all(_WORD.match(w) for w in words) and not core.isupper():
        first = words[0].rstrip(".")
        if len(first) > 1 and is_given_name(first):
            return PEOPLE, f"'{first}' is a given name"
        return None, "capitalised words with no evidence of kind"
    if len(words) == 1:
        return None, "a single word (a brand or a short name, not a person's full name)"
    return None, "no evidence of kind"


def guess_kind(name: str | None, kinds: tuple[str, ...]) -> str:
    """The kind of a new entity named ``name`` among the allowed ``kinds`` (never a person without evidence)."""
    kinds = tuple(kinds)
    k, _ = classify(name)
    if k in kinds:
        return k
    if k == PEOPLE and "officials" in kinds and PEOPLE not in kinds:
        return "officials"
    if k in (None, PUBLIC_BODIES, ORGANISATIONS, COMPANIES):
        # fall back along organisation-like kinds, never to people
        order = {None: (COMPANIES, ORGANISATIONS, PUBLIC_BODIES),
                 PUBLIC_BODIES: (ORGANISATIONS, COMPANIES, "units"),
                 ORGANISATIONS: (COMPANIES, PUBLIC_BODIES),
                 COMPANIES: (ORGANISATIONS, PUBLIC_BODIES)}[k]
        for alt in order:
            if alt in kinds:
                return alt
    for alt in (PEOPLE, COMPANIES, ORGANISATIONS, PUBLIC_BODIES, "officials", "units"):
        if alt in kinds:
            return alt
    return kinds[0]


def query_kinds(name: str | None, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds a name is compared with: its own when the evidence is clear, all allowed ones when unknown.

    A company, organisation or public body may be recorded as any of the three
    (registers disagree), so those are compared with each other; a person only
    with people and officials.
    """
    k, _ = classify(name)
    if k is None:
        return tuple(kinds)
    person = ("people", "officials")
    if k == PEOPLE:
        return tuple(x for x in kinds if x in person) or tuple(kinds)
    return tuple(x for x in kinds if x not in person) or tuple(kinds)
