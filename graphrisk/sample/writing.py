"""Ids, messy but valid values, the CSV files and the truth file."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..schema import KINDS, relation_key, tie_key
from .params import FILES
from .util import _digits, _fmt_amounts, _ints_str, _iso, _obj
from .vocab import _KIND_NAMES, _PREFIX, _REC_PREFIX, K_COM, K_OFF, K_PER, K_UNIT


class Writing:
    """Methods of the sample world (mixed into world.World)."""

    # ---------------------------------------------------------------- output
    def prefix(self, kind) -> tuple[str, int]:
        """Id prefix and digits of an entity (K_*) or record kind: the default's, or the world's own."""
        name = _KIND_NAMES.get(kind, kind)
        pre, width = _PREFIX[kind] if kind in _PREFIX else _REC_PREFIX[kind]
        return self.p.id_prefixes.get(name, pre), width

    def assign_ids(self):
        rng = self.rng
        pre, w = self.prefix(K_UNIT)
        self.ids = {K_UNIT: np.char.add(pre, _digits(np.arange(1, self.n_units + 1), w)).astype(object)}
        self.num = {K_UNIT: np.arange(1, self.n_units + 1)}
        for k, n in ((K_OFF, self.n_off), (K_PER, self.people.n), (K_COM, self.companies.n)):
            pre, w = self.prefix(k)
            self.num[k] = rng.permutation(n) + 1
            self.ids[k] = np.char.add(pre, _digits(self.num[k], w)).astype(object)

    def id_order(self, kinds, idx) -> np.ndarray:
        """An int that sorts like the id string (kind letter, then number)."""
        kinds = np.asarray(kinds)
        idx = np.asarray(idx, dtype=np.int64)
        kinds_by_prefix = sorted(self.num, key=lambda k: self.prefix(k)[0])
        rank = {k: i for i, k in enumerate(kinds_by_prefix)}  # by default C < O < P < U
        out = np.zeros(len(idx), np.int64)
        for k, arr in self.num.items():
            m = kinds == k
            out[m] = rank[k] * 10**8 + arr[idx[m]]
        return out

    def ref(self, kinds, idx) -> np.ndarray:
        kinds = np.asarray(kinds)
        idx = np.asarray(idx, dtype=np.int64)
        out = np.full(len(idx), "", dtype=object)
        for k, arr in self.ids.items():
            m = (kinds == k) & (idx >= 0)
            out[m] = arr[idx[m]]
        return out

    def date_str(self, off, messy=True) -> np.ndarray:
        off = np.asarray(off, dtype=np.int64)
        t = off + self.s0
        out = self.dates[0][t].copy()
        if messy and len(off):
            m = np.flatnonzero(self.rng.random(len(off)) < self.messy_rate)
            form = self.rng.integers(1, 5, len(m))
            for f in range(1, 5):
                mf = m[form == f]
                out[mf] = self.dates[f][t[mf]]
        return out

    def bools(self, values) -> np.ndarray:
        """1 / 0 / -1 (unknown) -> yes / no / blank; a share (3 x noise) as y/n, true/false, 1/0 or 是/否."""
        v = np.asarray(values).astype(int)
        forms = np.array([["no", "yes"], ["n", "y"], ["false", "true"], ["0", "1"], ["否", "是"]], dtype=object)
        f = np.where(self.rng.random(len(v)) < 1 - 3 * self.messy_rate, 0, self.rng.integers(1, 5, len(v)))
        return np.where(v < 0, "", forms[f, np.clip(v, 0, 1)])

    def messy_names(self, names: np.ndarray, clean: np.ndarray) -> np.ndarray:
        import opencc

        rng = self.rng
        names = names.copy()
        r = rng.random(len(names))
        trad = np.flatnonzero((r < self.trad_rate) & ~clean)
        if len(trad):
            conv = opencc.OpenCC("s2t")
            uniq = pd.unique(names[trad])
            table = {u: conv.convert(u) for u in uniq}
            names[trad] = [table[x] for x in names[trad]]
        sp = np.flatnonzero((r >= self.trad_rate) & (r < self.trad_rate + self.space_rate) & ~clean)
        if len(sp):
            form = rng.integers(0, 3, len(sp))
            s = names[sp]
            lead = _obj([x[:1] for x in s])
            rest = _obj([x[1:] for x in s])
            names[sp] = np.where(form == 0, lead + "\u3000" + rest, np.where(form == 1, " " + s + " ", s + "\u3000"))
        return names

    def write(self, out: Path) -> dict:
        rng = self.rng
        rows = {}
        files = {}
        # entities
        files["units"] = pd.DataFrame({
            "unit_id": self.ids[K_UNIT], "name": self.unit_name,
            "parent_id": self.ref(np.full(self.n_units, K_UNIT), self.unit_parent), "region": self.unit_region,
            "country": self.p.home_country})
        ppl = self.people.frame()
        clean = ppl["clean"].to_numpy(dtype=bool).copy()
        clean[self.hostile_person] = True
        pname = ppl["name"].to_numpy(dtype=object).copy()
        pname[self.hostile_person] = "<img src=x onerror=alert(1)>"
        pid = ppl["id_number"].to_numpy(dtype=object).copy()
        pid[self.hostile_person] = ""
        allid = np.concatenate([np.asarray(self.off_idn, dtype=object), pid])
        for _ in range(50):  # citizen ids are unique
            s = pd.Series(allid)
            dup = (s.duplicated() & (s != "")).to_numpy()
            if not dup.any():
                break
            allid[dup] = self.id_numbers(int(dup.sum()), 1960, 1995)
        self.off_idn, pid = allid[:self.n_off], allid[self.n_off:]
        files["officials"] = pd.DataFrame({
            "official_id": self.ids[K_OFF], "name": self.off_name,
            "unit_id": self.ids[K_UNIT][self.off_unit], "position": self.off_pos, "rank": self.off_rank,
            "id_number": self.off_idn}).iloc[np.argsort(self.num[K_OFF])]
        files["people"] = pd.DataFrame({
            "person_id": self.ids[K_PER], "name": self.messy_names(pname, clean), "id_number": pid,
            "note": ppl["note"].to_numpy(dtype=object),
            "country": ppl["country"].to_numpy(dtype=object)}).iloc[np.argsort(self.num[K_PER])]
        com = self.companies.frame()
        cname = com["name"].to_numpy(dtype=object).copy()
        cname[self.hostile_company] = '<script>alert("x")</script>贸易有限公司'
        cclean = com["clean"].to_numpy(dtype=bool).copy()
        cclean[self.hostile_company] = True
        files["companies"] = pd.DataFrame({
            "company_id": self.ids[K_COM], "name": self.messy_names(cname, cclean),
            "registration_no": com["regno"].to_numpy(dtype=object), "region": com["region"].to_numpy(dtype=object),
            "sector": com["sector"].to_numpy(dtype=object),
            "country": com["country"].to_numpy(dtype=object)}).iloc[np.argsort(self.num[K_COM])]
        # relations
        rel = self.rel.frame()
        fid = self.ref(rel.fk.to_numpy(), rel.fi.to_numpy())
        tid = self.ref(rel.tk.to_numpy(), rel.ti.to_numpy())
        share = rel.share.to_numpy(dtype=float)
        sv = np.round(np.where(share >= 0, share, 0) * 10).astype(np.int64)
        share_s = np.where(share >= 0, _ints_str(sv // 10) + np.where(sv % 10 > 0, "." + _ints_str(sv % 10), ""), "")
        st = rel.start.to_numpy()
        en = rel.end.to_numpy()
        start_s = np.where(st > -99999, self.date_str(np.where(st > -99999, st, 0)), "")
        end_s = np.where(en > -99999, self.date_str(np.where(en > -99999, en, 0)), "")
        relations = pd.DataFrame({"from_id": fid, "to_id": tid, "relation": rel.relation.to_numpy(dtype=object),
                                  "share_pct": share_s, "start_date": start_s, "end_date": end_s,
                                  "source": rel.source.to_numpy(dtype=object)})
        fo = self.id_order(rel.fk.to_numpy(), rel.fi.to_numpy())
        to = self.id_order(rel.tk.to_numpy(), rel.ti.to_numpy())
        rcode = pd.factorize(rel.relation.to_numpy(dtype=object), sort=True)[0]
        tag = rel.tag.to_numpy()
        # one row per (from, relation, to), a planted row winning; then sorted like the key string
        order = np.lexsort((-tag, to, rcode, fo))
        keys = pd.DataFrame({"f": fo[order], "r": rcode[order], "t": to[order]})
        keep = order[~keys.duplicated().to_numpy()]
        files["relations"] = relations.iloc[keep]
        # records: sort by date, then assign ids
        rec_ids = {}
        by_row = {}  # record kind -> id of each row as added (gifts name the trip they were given on)
        for kind, table in self.rec.items():
            df = table.frame()
            tie = rng.random(len(df))
            order = np.lexsort((tie, df["date"].to_numpy()))
            df = df.iloc[order].reset_index(drop=True)
            pre, w = self.prefix(kind)
            ids = np.char.add(pre, _digits(np.arange(1, len(df) + 1), w)).astype(object)
            rec_ids[kind] = (ids, df)
            by_row[kind] = np.empty(len(df), dtype=object)
            by_row[kind][order] = ids
        cur = self.cur
        ids, df = rec_ids["contacts"]
        files["contacts"] = pd.DataFrame({
            "contact_id": ids, "official_id": self.ids[K_OFF][df.off.to_numpy()],
            "counterpart_id": self.ref(df.ck.to_numpy(), df.ci.to_numpy()), "date": self.date_str(df.date),
            "channel": df.channel.to_numpy(dtype=object), "location": df.location.to_numpy(dtype=object),
            "note": df.note.to_numpy(dtype=object), "country": df.country.to_numpy(dtype=object),
            "reported": self.bools(df.reported.to_numpy())})
        ids, df = rec_ids["gifts"]
        dec = df.declared.to_numpy().astype(int)
        trip = df.trip.to_numpy().astype(np.int64)
        trip_id = np.where(trip >= 0, by_row["trips"][np.maximum(trip, 0)] if len(by_row["trips"]) else "", "")
        files["gifts"] = pd.DataFrame({
            "gift_id": ids, "giver_id": self.ref(df.gk.to_numpy(), df.gi.to_numpy()),
            "recipient_id": self.ref(df.rk.to_numpy(), df.ri.to_numpy()), "date": self.date_str(df.date),
            "value": _fmt_amounts(rng, df.value.to_numpy(), self.messy_rate, cur),
            "currency": df.currency.to_numpy(dtype=object),
            "description": df.description.to_numpy(dtype=object), "declared": self.bools(dec),
            "country": df.country.to_numpy(dtype=object), "trip_id": trip_id})
        ids, df = rec_ids["trips"]
        parts = [self.ref(df[f"p{k}k"].to_numpy(), df[f"p{k}"].to_numpy()) for k in (1, 2, 3)]
        joined = parts[0]
        for p in parts[1:]:
            joined = np.where((joined != "") & (p != ""), joined + ";" + p, joined + p)
        apd = df.apd.to_numpy()
        files["trips"] = pd.DataFrame({
            "trip_id": ids, "official_id": self.ids[K_OFF][df.off.to_numpy()],
            "destination": df.destination.to_numpy(dtype=object), "start_date": self.date_str(df.date),
            "end_date": self.date_str(df.end), "purpose": df.purpose.to_numpy(dtype=object),
            "sponsor_id": self.ref(df.sk.to_numpy(), df.si.to_numpy()),
            "cost": _fmt_amounts(rng, df.cost.to_numpy(), self.messy_rate, cur),
            "currency": df.currency.to_numpy(dtype=object), "participants": joined,
            "country": df.country.to_numpy(dtype=object),
            "approver_unit_id": self.ref(np.full(len(df), K_UNIT), df.apu.to_numpy()),
            "approver_id": self.ref(np.full(len(df), K_OFF), df.apo.to_numpy()),
            "approval_date": np.where(apd > -99999, self.date_str(np.where(apd > -99999, apd, 0)), ""),
            "in_plan": self.bools(df.in_plan.to_numpy())})
        ids, df = rec_ids["contracts"]
        files["contracts"] = pd.DataFrame({
            "contract_id": ids, "unit_id": self.ids[K_UNIT][df.unit.to_numpy()],
            "supplier_id": self.ids[K_COM][df.sup.to_numpy()], "date": self.date_str(df.date),
            "amount": _fmt_amounts(rng, df.amount.to_numpy(), self.messy_rate, cur),
            "currency": df.currency.to_numpy(dtype=object),
            "method": df.method.to_numpy(dtype=object), "approver_id": self.ref(
                np.full(len(df), K_OFF), df.approver.to_numpy()), "title": df.title.to_numpy(dtype=object)})
        ids, df = rec_ids["decisions"]
        amt = df.amount.to_numpy()
        files["decisions"] = pd.DataFrame({
            "decision_id": ids, "unit_id": self.ref(np.full(len(df), K_UNIT), df.unit.to_numpy()),
            "official_id": self.ref(np.full(len(df), K_OFF), df.off.to_numpy()),
            "beneficiary_id": self.ref(df.bk.to_numpy(), df.bi.to_numpy()), "date": self.date_str(df.date),
            "decision_type": df.type.to_numpy(dtype=object), "title": df.title.to_numpy(dtype=object),
            "amount": np.where(amt >= 0, _fmt_amounts(rng, np.maximum(amt, 0), self.messy_rate, cur), ""),
            "currency": df.currency.to_numpy(dtype=object), "role": df.role.to_numpy(dtype=object)})
        self.member_keys = {}
        mem = sorted(self.members, key=lambda m: (self.ids[K_OFF][m[0]], m[1]))
        files["memberships"] = pd.DataFrame({
            "official_id": [self.ids[K_OFF][m[0]] for m in mem], "unit_id": [self.ids[K_UNIT][m[1]] for m in mem],
            "role": [m[2] for m in mem], "start_date": [_iso(self.start, m[3]) for m in mem], "end_date": "",
            "source": "干部任免文件"}, columns=["official_id", "unit_id", "role", "start_date", "end_date", "source"])
        for m in mem:
            self.member_keys[(m[0], m[1])] = tie_key((self.ids[K_OFF][m[0]], self.ids[K_UNIT][m[1]], m[2],
                                                      _iso(self.start, m[3])))
        out.mkdir(parents=True, exist_ok=True)
        for kind in FILES:
            frame = files[kind][[c for c in KINDS[kind].column_names if c in files[kind]]].astype(object)
            frame.to_csv(out / f"{kind}.csv", index=False, encoding="utf-8", lineterminator="\n")
            rows[kind] = len(frame)
        self.write_truth(out, rec_ids)
        return rows

    def write_truth(self, out: Path, rec_ids):
        by_tag: dict[int, list] = {}
        for kind in ("contacts", "gifts", "trips", "contracts", "decisions"):
            ids, df = rec_ids[kind]
            tags = df.tag.to_numpy()
            dates = df.date.to_numpy()
            for j in np.flatnonzero(tags >= 0).tolist():
                by_tag.setdefault(int(tags[j]), []).append((int(dates[j]), kind, ids[j]))
        iso = lambda off: _iso(self.start, off)  # noqa: E731
        patterns = []
        for t in self.truth:
            o, u = t["official"], t["unit"]
            keys = []
            for k in t["keys"]:
                if k[0] == "membership":
                    key = self.member_keys[(k[1], k[2])]
                else:
                    fk, fi, relname, tk, ti = k
                    key = relation_key(self.ids[fk][fi], relname, self.ids[tk][ti])
                if key not in keys:
                    keys.append(key)
            recs = sorted(by_tag.get(t["tag"], []), key=lambda x: (x[0], x[2]))
            oid, uid = self.ids[K_OFF][o], self.ids[K_UNIT][u]
            entry = {"pattern": t["pattern"], "variant": t["variant"], "family": t["family"], "official_id": oid,
                     "unit_id": uid, "expect": t["expect"], "records": keys + [r[2] for r in recs],
                     "last_date": iso(max(r[0] for r in recs))}
            fmt = {"O": f"{oid} ({self.off_pos[o]}, {self.unit_name[u]})", "U": f"{uid} {self.unit_name[u]}"}
            if "company" in t:
                entry["company_id"] = self.ids[K_COM][t["company"]]
                fmt["C"] = entry["company_id"]
            if "relative" in t:
                entry["relative_id"] = self.ids[K_PER][t["relative"]]
                fmt["R"] = entry["relative_id"]
            if "second_unit" in t:
                entry["second_unit_id"] = self.ids[K_UNIT][t["second_unit"]]
            if "co_officials" in t:
                entry["co_officials"] = [self.ids[K_OFF][x] for x in t["co_officials"]]
            if "foreign_id" in t:
                entry["counterpart_id"] = self.ids[t["foreign_id"][0]][t["foreign_id"][1]]
            if t["pattern"] == "decoy_homonym_spouse":
                entry["no_path"] = True
                entry["spouse_id"] = self.ids[K_PER][t["spouse"]]
                entry["homonym_id"] = self.ids[K_PER][t["homonym"]]
            entry["description"] = t["desc"].format(**fmt)
            entry["in_last_week"] = entry["last_date"] >= iso(self.last_week)
            patterns.append(entry)
        end = iso(self.ndays - 1)
        truth = {"generator": "graphrisk.sample", "seed": self.seed, "scale": self.scale,
                 "params": self.p.to_dict(),
                 "period": {"start": self.p.start, "end": end},
                 "last_week": {"start": iso(self.last_week), "end": end},
                 "direct_award_threshold": self.limit, "currency": self.cur,
                 "hostile_names": {"person_id": self.ids[K_PER][self.hostile_person],
                                   "company_id": self.ids[K_COM][self.hostile_company]},
                 "patterns": patterns}
        (out / "truth.json").write_text(json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
