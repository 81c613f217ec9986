"""Labels of the report in English and Chinese. Data (names, units, reason texts) stays as it is."""
from __future__ import annotations

LANGS = ("en", "zh")

LABELS = {
    "en": {
        "title": "Weekly exposure report", "period": "Period", "previous": "Compared with",
        "as_of": "Levels as of", "data_version": "Data version", "generated_from": "Store data version",
        "quiet": "A quiet week: no records are dated in this period, no register was loaded during it, "
                 "no official changed level and no new conflict path appeared.",
        "headline": "Headline figures", "received": "Records dated in the period",
        "received_note": "Counted by each record's own date (contact, gift, contract date; trip start; tie start), "
                         "whenever it was loaded.",
        "batches": "Registers loaded during the period", "batches_note": "By the time each file finished loading "
                   "(UTC); “dated earlier” are records of those files dated before the period (late arrivals).",
        "no_batches": "No register was loaded during the period.",
        "kind": "Kind", "records": "Records", "amount": "Amount", "files": "Files", "rows": "Rows",
        "inserted": "New", "updated": "Updated", "dated_before": "Dated earlier",
        "levels": "Officials by level", "level": "Level", "now": "Now", "before": "Previous", "change": "Change",
        "officials": "officials",
        "attention": "Priority-attention officials",
        "attention_note": "Officials at {level} or above: new (no level before), escalated (level rose), "
                          "de-escalated (level fell), and unchanged but with a record dated in the period.",
        "new": "New this period", "escalated": "Escalated", "de_escalated": "De-escalated",
        "new_evidence": "Unchanged level, new evidence", "none": "None.",
        "official": "Official", "unit": "Unit", "score": "Score", "reasons": "Top reasons", "map": "Map",
        "open_map": "map", "maps_not_drawn": "maps not drawn (over the max_maps setting)",
        "in_period": "dated in the period", "more_reasons": "more reason(s)",
        "paths": "New conflict paths", "paths_note": "Paths whose latest record is dated in the period "
                 "({n} path(s) in all as of the period's end).",
        "path": "Path", "company": "Company", "gap": "Gap (days)", "explanation": "Explanation",
        "units": "Exposure by unit", "units_note": "Officials flagged yellow or above, and the contracts their "
                 "findings and paths cite.",
        "flagged": "Flagged", "flagged_before": "Flagged before", "contracts": "Contracts",
        "contract_amount": "Contract amount", "more_units": "{n} more unit(s) in units.csv / report.json.",
        "movers": "Movers in centrality", "movers_note": "Officials whose value rose most between the two dates "
                  "(PageRank relative to the average node; brokerage: companies brokered).",
        "pagerank": "PageRank", "brokerage": "Brokerage", "value": "Value", "rank": "Rank",
        "charts": "Charts", "chart_levels": "Officials by level (flagged)", "chart_trend": "Flagged officials, "
                  "last {n} weeks", "chart_units": "Top units by flagged officials",
        "appendix": "Appendix: records cited", "record": "Record", "date": "Date", "from": "From", "to": "To",
        "source": "Source file", "row": "Row",
        "red": "red", "orange": "orange", "yellow": "yellow", "green": "green",
        "footer": "graphrisk weekly report. Findings are leads for review, not conclusions.",
        "week": "Week",
    },
    "zh": {
        "title": "每周风险暴露报告", "period": "报告期", "previous": "对比期",
        "as_of": "风险等级截至", "data_version": "数据版本", "generated_from": "库数据版本",
        "quiet": "本期无动态：没有日期落在本期的记录，本期没有导入登记表，没有人员等级变化，也没有新的利益冲突路径。",
        "headline": "主要数字", "received": "本期日期的记录",
        "received_note": "按记录本身的日期统计（接触、礼品、合同日期；出行开始日期；关系开始日期），不论何时导入。",
        "batches": "本期导入的登记表", "batches_note": "按文件导入完成时间（UTC）；“日期更早”为这些文件中日期早于本期的记录（迟报）。",
        "no_batches": "本期没有导入登记表。",
        "kind": "类别", "records": "记录数", "amount": "金额", "files": "文件数", "rows": "行数",
        "inserted": "新增", "updated": "更新", "dated_before": "日期更早",
        "levels": "各等级人数", "level": "等级", "now": "本期", "before": "上期", "change": "变化",
        "officials": "名干部",
        "attention": "重点关注对象",
        "attention_note": "等级为{level}及以上的人员：新增（上期无等级）、升级（等级上升）、降级（等级下降），"
                          "以及等级未变但有本期日期记录的人员。",
        "new": "本期新增", "escalated": "升级", "de_escalated": "降级",
        "new_evidence": "等级未变，有新证据", "none": "无。",
        "official": "人员", "unit": "单位", "score": "分数", "reasons": "主要原因", "map": "关系图",
        "open_map": "关系图", "maps_not_drawn": "未生成关系图（超过 max_maps 设置）", "in_period": "本期日期", "more_reasons": "条其他原因",
        "paths": "新的利益冲突路径", "paths_note": "最新记录日期在本期的路径（截至期末共 {n} 条）。",
        "path": "路径", "company": "企业", "gap": "间隔（天）", "explanation": "说明",
        "units": "各单位风险暴露", "units_note": "黄色及以上人员数，及其发现和路径所涉合同。",
        "flagged": "标记人数", "flagged_before": "上期标记", "contracts": "合同数",
        "contract_amount": "合同金额", "more_units": "另有 {n} 个单位见 units.csv / report.json。",
        "movers": "中心性上升", "movers_note": "两个日期之间数值上升最多的人员（PageRank 以平均节点为 1；中介性：居间的企业数）。",
        "pagerank": "PageRank", "brokerage": "中介性", "value": "数值", "rank": "排名",
        "charts": "图表", "chart_levels": "各等级人数（已标记）", "chart_trend": "近 {n} 周标记人数",
        "chart_units": "标记人数最多的单位",
        "appendix": "附录：引用的记录", "record": "记录", "date": "日期", "from": "从", "to": "至",
        "source": "来源文件", "row": "行",
        "red": "红色", "orange": "橙色", "yellow": "黄色", "green": "绿色",
        "footer": "graphrisk 每周报告。发现仅为核查线索，不是结论。",
        "week": "周",
    },
}

KIND_LABELS = {
    "en": {"contacts": "contacts", "gifts": "gifts", "trips": "trips", "contracts": "contracts",
           "relations": "ties", "units": "units", "officials": "officials", "people": "people",
           "companies": "companies"},
    "zh": {"contacts": "接触", "gifts": "礼品", "trips": "出行", "contracts": "合同", "relations": "关系",
           "units": "单位", "officials": "干部", "people": "人员", "companies": "企业"},
}


def labels(lang: str) -> dict:
    return {**LABELS[lang], "kinds": KIND_LABELS[lang]}
