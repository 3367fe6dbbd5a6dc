#!/usr/bin/env python3
"""Regenerates builtin/cpsf.yaml from /work/shared/catalog-facts/cpsf.yaml.

The facts file holds our own wording; this script reshapes it into sanso's catalog format.
"""
import sys
import yaml

FACTS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/catalog-facts/cpsf.yaml"
OUT = sys.argv[2] if len(sys.argv) > 2 else "builtin/cpsf.yaml"
facts = yaml.safe_load(open(FACTS, encoding="utf-8"))
meta = facts["metadata"]
FUNCTION = {"ID": "identify", "PR": "protect", "DE": "detect", "RS/RC": "respond-recover"}

def unverified(entry, note_ja, note_en):
    if not entry.get("verified", True):
        entry["verified"] = False
        entry["verification_note"] = {"ja": note_ja, "en": note_en}
    return entry

vocabularies = [
    {"kind": "layer", "terms": [
        unverified({"id": l["id"], "name": {"ja": l["name_ja"], "en": l["name_en"]},
                    "definition": {"ja": f"{l['connection_ja']}。信頼の起点: {l['trust_anchor_ja']}",
                                   "en": f"{l['connection_en']}. Trust anchor: {l['trust_anchor_en']}."},
                    "verified": l["verified"]}, "", "")
        for l in facts["layers"]]},
    {"kind": "component", "terms": [
        {"id": c["id"], "name": {"ja": c["name_ja"], "en": c["name_en"]},
         "definition": {"ja": c["definition_ja"], "en": c["definition_en"]}, "verified": c["verified"]}
        for c in facts["components"]["items"]]},
    {"kind": "function", "terms": [
        {"id": FUNCTION[f["id"]], "name": {"ja": f["name_ja"], "en": f["name_en"]}, "verified": f["verified"]}
        for f in facts["functions"]["items"]]},
]
for v in vocabularies:
    for t in v["terms"]:
        t.pop("verification_note", None)
        if t.get("verified", True):
            t.pop("verified", None)

verified_reqs = {}
for r in facts["verified_requirements"]["items"]:
    verified_reqs.setdefault(r["category"], []).append(r)

function_groups = []
for f in facts["functions"]["items"]:
    fg = {"id": f"CPS-{f['id'].replace('/', '-')}",
          "title": {"ja": f["name_ja"], "en": f["name_en"]},
          "function": FUNCTION[f["id"]],
          "groups": []}
    for c in facts["categories"]:
        if c["function"] != f["id"]:
            continue
        g = {"id": c["code"], "title": {"ja": c["name_ja"], "en": c["name_en"]},
             "function": FUNCTION[f["id"]]}
        if not c["verified"]:
            g["verified"] = False
            g["verification_note"] = {
                "ja": "このカテゴリのコード・名称は推定で、CPSF 原本で未確認です。",
                "en": "This category's code or name is inferred and not checked against the CPSF document."}
        g["properties"] = {"nist_csf_1_1": ", ".join(c["nist_csf_1_1"])}
        if c.get("note"):
            g["description"] = {"en": c["note"]}
        reqs = []
        for r in verified_reqs.get(c["code"], []):
            reqs.append({
                "id": r["id"],
                "title": {"ja": r["summary_ja"], "en": r["summary_en"]},
                "functions": [FUNCTION[r["function"]]],
                "properties": {"wording": "sanso summary, not CPSF text"},
            })
        if reqs:
            g["requirements"] = reqs
        fg["groups"].append(g)
    function_groups.append(fg)

catalog = {
    "id": "cpsf",
    "version": meta["version"],
    "title": {"ja": meta["title_ja"], "en": meta["title_en"]},
    "source": f"{meta['publisher']['en']}, published {meta['published']}; " + ", ".join(meta["sources"]),
    "notes": [
        {"ja": "CPSF の対策要件は全104件ですが、この組み込みカタログには確認済みの15件しか含まれていません。残りは経済産業省の公式の表(付録B/C)から表形式インポート(CSV/XLSX)で読み込んでください。",
         "en": "CPSF has 104 countermeasure requirements; this built-in catalog holds only the 15 verified ones. Import the rest from METI's official table (Appendix B/C) with the tabular (CSV/XLSX) import."},
        {"ja": "要件の文言は sanso による要約で、CPSF の原文ではありません。",
         "en": "Requirement wording is sanso's own summary, not CPSF text."},
        {"ja": "20カテゴリという数と、一部カテゴリのコード・名称は推定です(各カテゴリの verified を参照)。",
         "en": "The count of 20 categories and some category codes and names are inferred (see each category's verified flag)."},
        {"ja": "対策例の段階(Basic/Advanced/High-Advanced)は未検証です。",
         "en": "The measure tiers (Basic / Advanced / High-Advanced) are not verified."},
    ],
    "levels": [
        {"id": t["id"], "title": {"en": t["name_en"]}, "verified": False,
         "verification_note": {"ja": "対策例の段階分けは未検証。", "en": "Measure tiers are not verified."}}
        for t in facts["measure_tiers"]["tiers"]
    ],
    "scoring": {"method": {"kind": "status", "partial_credit": 0.5}, "band_basis": "percentage"},
    "phases": [
        {"id": "design", "title": {"ja": "設計", "en": "Design"}},
        {"id": "manufacture", "title": {"ja": "製造", "en": "Manufacture"}},
        {"id": "operation", "title": {"ja": "運用・保守", "en": "Operation and maintenance"}},
        {"id": "disposal", "title": {"ja": "廃棄", "en": "Disposal"}},
    ],
    "vocabularies": vocabularies,
    "groups": function_groups,
}
header = """# Cyber/Physical Security Framework (CPSF) 1.0: the model (3 layers, 6 components, 4 function
# groups, 20 categories) and the 15 requirements whose IDs are verified.
# Generated by tools/gen_cpsf.py from /work/shared/catalog-facts/cpsf.yaml; wording is our own.
# Phases are the device lifecycle from sanso's design notes, not CPSF text.
"""
with open(OUT, "w", encoding="utf-8") as f:
    f.write(header)
    yaml.safe_dump(catalog, f, allow_unicode=True, sort_keys=False, width=100)
