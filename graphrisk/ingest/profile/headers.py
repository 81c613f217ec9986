"""Headers: how a source header and a cell are compared with a profile's names, and the built-in synonyms.

A profile names columns as the file does, loosely (case, spaces, underscores,
full-width forms); a column the profile leaves out may still be found by a
synonym (``fecha``, ``donor``, ``供应商``), so that a common register needs few
lines of profile.
"""
from __future__ import annotations

import re

from ... import schema
from .. import values

# Built-in header synonyms: canonical column -> headers (compared after _norm_header). A role such
# as "@date" stands for the kind's own date / amount column (contracts.date, gifts.value, ...).
SYNONYMS: dict[str, list[str]] = {
    "@date": ["fecha", "fecha de recepción", "date de réception", "datum", "data", "data ricevimento", "fecha adjudicación", "date d'attribution", "zuschlagsdatum", "date", "日期", "时间", "发生日期", "日期时间", "date received", "received date", "date of gift",
              "award date", "decision date", "meeting date", "登记日期", "签订日期", "合同日期", "中标日期",
              "决定日期", "接触日期", "收受日期", "送礼日期"],
    "@amount": ["importe", "importe total", "valor", "valor estimado", "monto", "montant", "valeur", "valeur estimée", "betrag", "wert", "importo", "valore", "bedrag", "waarde", "amount", "value", "金额", "价值", "价值(元)", "金额(元)", "合同金额", "中标金额", "估值",
                "estimated value", "value (£)", "value(£)", "value £", "cost", "费用", "total", "sum"],
    "currency": ["moneda", "divisa", "devise", "monnaie", "währung", "valuta", "moeda", "currency", "币种", "货币", "currency code"],
    "description": ["descripción", "concepto", "regalo", "obsequio", "cadeau", "geschenk", "beschreibung", "descrizione", "omaggio", "descrição", "presente", "description", "gift", "gift description", "hospitality type", "type of hospitality", "benefit", "礼品", "礼品名称", "物品", "说明", "描述", "details"],
    "giver_name": ["donante", "obsequiante", "donateur", "offert par", "schenker", "spender", "zuwendungsgeber", "donatore", "doador", "schenker", "giver", "donor", "donor name", "provider", "送礼人", "赠送人", "送礼单位", "赠送方", "donor_recipient"],
    "recipient_name": ["beneficiario", "receptor", "destinataire", "bénéficiaire", "empfänger", "destinatario", "ricevente", "ontvanger", "recipient", "收礼人", "受礼人", "收受人", "minister", "official", "member", "councillor",
                       "mp", "mep", "干部", "官员", "干部姓名", "公职人员"],
    "official_name": ["cargo público", "alto cargo", "élu", "mandataire", "abgeordneter", "parlamentario", "eurodiputado", "député", "official", "minister", "member", "councillor", "mp", "mep", "干部", "官员", "姓名",
                      "干部姓名", "人员姓名", "公职人员", "当事人"],
    "counterpart_name": ["organisations", "organizations", "organisation name", "attendees", "meeting with",
                         "interest representatives", "lobbyists", "stakeholders", "companies", "entities", "organización", "entidad", "organisation rencontrée", "interlocuteur", "gesprächspartner", "organizzazione", "counterpart", "organisation", "organization", "company", "lobbyist", "对方",
                         "接触对象", "对象", "来访人", "来访单位", "meeting with", "attendee", "interest representative"],
    "unit_name": ["órgano de contratación", "organismo", "comprador", "acheteur", "pouvoir adjudicateur", "auftraggeber", "behörde", "ente", "stazione appaltante", "órgão", "unit", "department", "buyer", "council", "body", "单位", "部门", "采购单位", "采购人",
                  "所在单位", "工作单位", "委托单位", "决定机关"],
    "supplier_name": ["adjudicatario", "proveedor", "contratista", "fournisseur", "titulaire", "attributaire", "lieferant", "auftragnehmer", "fornitore", "aggiudicatario", "fornecedor", "leverancier", "supplier", "contractor", "供应商", "中标人", "中标单位", "成交供应商", "承包商", "vendor"],
    "beneficiary_name": ["beneficiary", "受益人", "申请人", "申请单位", "licensee", "recipient organisation"],
    "sponsor_name": ["sponsor", "资助方", "出资方", "邀请方", "paid by", "funded by"],
    "destination": ["destination", "目的地", "地点", "出访地", "出行地点"],
    "start_date": ["start date", "start", "开始日期", "出发日期", "起始日期", "from"],
    "end_date": ["end date", "end", "结束日期", "返回日期", "截止日期", "to"],
    "purpose": ["purpose", "事由", "目的", "出行事由"],
    "title": ["título", "objeto", "objeto del contrato", "objet", "objet du marché", "titel", "gegenstand", "oggetto", "objecto", "title", "名称", "项目名称", "合同名称", "标题", "subject"],
    "method": ["method", "procurement method", "采购方式", "招标方式", "procedure"],
    "channel": ["channel", "方式", "接触方式", "type of meeting"],
    "location": ["location", "地点", "place", "venue"],
    "note": ["note", "notes", "备注", "remarks", "comment", "subject", "topic", "事由", "内容"],
    "declared": ["declared", "是否申报", "是否登记", "已申报", "申报"],
    "decision_type": ["decision type", "type of decision", "决定类型", "事项类型", "审批事项"],
    "role": ["role", "职务角色", "角色", "capacity"],
    "name": ["nombre", "nom", "nome", "naam", "name", "名称", "姓名", "full name"],
    "position": ["cargo", "puesto", "fonction", "funktion", "amt", "carica", "função", "position", "job title", "职务", "岗位"],
    "rank": ["rank", "职级", "级别"],
    "registration_no": ["registration no", "registration number", "company number", "统一社会信用代码",
                        "注册号", "信用代码", "companies house number"],
    "region": ["region", "地区", "区域", "所在地"],
    "country": ["country", "国家", "国别"],
    "relation": ["relation", "relationship", "关系", "关系类型"],
    "share_pct": ["share", "share pct", "shareholding", "持股比例", "股比"],
}

_SLUG = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def _norm_header(text: str) -> str:
    s = values.nfkc(str(text)).strip().lower().lstrip("\ufeff")
    return re.sub(r"[\s_]+", " ", s).strip()


def _key(v) -> str:
    """How cells are compared with the profile's values: NFKC, spaces collapsed, case folded."""
    return " ".join(values.nfkc(str(v)).split()).casefold()


def slug(text: str) -> str:
    return _SLUG.sub("-", values.nfkc(str(text)).lower()).strip("-")


def synonym_mapping(kind: str, headers: list[str], taken: set[str] = frozenset(), used: set[str] = frozenset()
                    ) -> dict[str, str]:
    """Canonical column -> source header found by name or built-in synonym (columns in ``taken`` left out)."""
    k = schema.KINDS[kind]
    targets: list[str] = []
    for c in k.columns:
        if c.refs and c.name.endswith("_id") and c.name != k.id_column:
            targets += [c.name, c.name[:-3] + "_name"]
        else:
            targets.append(c.name)
    hs = {_norm_header(h): h for h in headers if h not in used}
    out: dict[str, str] = {}
    for c in targets:
        if c in taken or (c.endswith("_name") and c[:-5] + "_id" in taken) or \
                (c.endswith("_id") and c[:-3] + "_name" in taken):
            continue
        cands = [_norm_header(c)]
        if c == k.date_column:
            cands += SYNONYMS["@date"]
        if c == k.amount_column:
            cands += SYNONYMS["@amount"]
        cands += SYNONYMS.get(c, [])
        for cand in cands:
            h = hs.get(_norm_header(cand))
            if h is not None and h not in out.values():
                if c.endswith("_id") and c[:-3] + "_name" in out:
                    break
                out[c] = h
                break
    return out
