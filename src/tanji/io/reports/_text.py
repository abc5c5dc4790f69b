"""The text catalogue of the reports: every human-readable label, in Chinese and English.

Labels are looked up with :func:`t` (``t("results.title", "zh")``); a label may hold
``{placeholders}`` filled from keyword arguments. Numbers are formatted here too, so the
three report formats print the same digits: values with 4 significant digits
(:func:`fmt_value`), shares as percentages with one decimal (:func:`fmt_percent`).
"""

from __future__ import annotations

import math

from tanji.domain.numbers import format_number

__all__ = [
    "LANGUAGES",
    "TEXT",
    "check_language",
    "fmt_dqr",
    "fmt_percent",
    "fmt_quantity",
    "fmt_value",
    "t",
    "t_or",
]

LANGUAGES = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    # --- cover -----------------------------------------------------------------------------
    "report.title": {"zh": "产品碳足迹报告", "en": "Product carbon footprint report"},
    "report.subtitle": {
        "zh": "依据 ISO 14067:2018 与 GB/T 24067-2024 编制",
        "en": "Prepared according to ISO 14067:2018 and GB/T 24067-2024",
    },
    "report.banner": {
        "zh": "示例数据，不得用于声明",
        "en": "Illustrative data — not for claims",
    },
    "report.banner_detail": {
        "zh": "本结果使用了标记为示例（illustrative）的数据，仅供演示与培训，"
        "不得用于对外声明、标识或比较。",
        "en": "This result uses data marked as illustrative. It serves demonstration and "
        "training only and must not be used for claims, labels or comparisons.",
    },
    "report.headline": {"zh": "产品碳足迹", "en": "Product carbon footprint"},
    "report.footer": {
        "zh": "碳迹 Tanji {version} · 模型 {model}",
        "en": "Tanji {version} · model {model}",
    },
    "report.page": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
    "report.contents": {"zh": "目录", "en": "Contents"},
    "report.section": {"zh": "{number}. {title}", "en": "{number}. {title}"},
    "report.none": {"zh": "—", "en": "—"},
    "report.yes": {"zh": "是", "en": "yes"},
    "report.no": {"zh": "否", "en": "no"},
    "report.list_separator": {"zh": "、", "en": ", "},
    "report.total": {"zh": "合计", "en": "Total"},
    # --- section 1: the product and the study ---------------------------------------------
    "product.title": {"zh": "产品与研究信息", "en": "Product and study"},
    "product.name": {"zh": "产品名称", "en": "Product name"},
    "product.category": {"zh": "产品类别", "en": "Product category"},
    "product.company": {"zh": "企业", "en": "Company"},
    "product.site": {"zh": "生产场所", "en": "Production site"},
    "product.identifiers": {"zh": "产品标识", "en": "Identifiers"},
    "product.declared_unit": {"zh": "声明单位", "en": "Declared unit"},
    "product.functional_unit": {"zh": "功能单位", "en": "Functional unit"},
    "product.functional_unit_value": {
        "zh": "{text}（= {units} 个声明单位）",
        "en": "{text} (= {units} declared units)",
    },
    "product.period": {"zh": "数据参考期", "en": "Reference period"},
    "product.period_value": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    "product.period_missing": {"zh": "未说明", "en": "not stated"},
    "product.report_date": {"zh": "报告日期", "en": "Report date"},
    "product.software": {"zh": "计算软件", "en": "Software"},
    "product.software_value": {"zh": "碳迹 Tanji {version}", "en": "Tanji {version}"},
    "product.model": {"zh": "产品模型（标识@版本）", "en": "Product model (id@version)"},
    "product.fingerprint": {"zh": "结果指纹（SHA-256）", "en": "Result fingerprint (SHA-256)"},
    "id.gtin": {"zh": "GTIN 商品条码", "en": "GTIN"},
    "id.company_code": {"zh": "企业内部编码", "en": "Company code"},
    "id.industrial_internet": {"zh": "工业互联网标识", "en": "Industrial Internet identifier"},
    # --- section 2: goal and scope ---------------------------------------------------------
    "scope.title": {"zh": "目的与范围", "en": "Goal and scope"},
    "scope.goal": {
        "zh": "本研究的目的是按照 ISO 14067:2018 与 GB/T 24067-2024，量化产品"
        "“{product}”每个声明单位（{declared}）的碳足迹，并给出其全部计算过程以便核查。",
        "en": "The goal of this study is to quantify the carbon footprint of the product "
        '"{product}" per declared unit ({declared}) according to ISO 14067:2018 and '
        "GB/T 24067-2024, with the complete calculation trace for verification.",
    },
    "scope.boundary": {"zh": "系统边界", "en": "System boundary"},
    "boundary.cradle-to-gate": {
        "zh": "从摇篮到大门（原材料获取至产品出厂）",
        "en": "Cradle-to-gate (raw material acquisition to the factory gate)",
    },
    "boundary.cradle-to-grave": {
        "zh": "从摇篮到坟墓（含使用与寿命终止）",
        "en": "Cradle-to-grave (including use and end of life)",
    },
    "scope.stages": {"zh": "生命周期阶段", "en": "Life-cycle stages"},
    "scope.stage": {"zh": "阶段", "en": "Stage"},
    "scope.stage_lines": {"zh": "活动数据行数", "en": "Lines of activity data"},
    "scope.stage_status": {"zh": "状态", "en": "Status"},
    "stage.included": {"zh": "已纳入", "en": "included"},
    "stage.outside": {"zh": "不在系统边界内", "en": "outside the system boundary"},
    "stage.no_lines": {"zh": "无活动数据", "en": "no activity data"},
    "scope.cut_off": {"zh": "取舍准则", "en": "Cut-off criteria"},
    "scope.cut_off_text": {
        "zh": "模型中的全部活动数据行均已纳入计算，软件未按质量或能量比例进行任何取舍。"
        "如有排除项，由模型编制者在模型说明中记录其内容与理由。",
        "en": "All lines of the model are included in the calculation; the software applies "
        "no mass or energy cut-off. Any exclusion is documented by the model author, with "
        "its justification, in the model notes.",
    },
    "scope.allocation": {"zh": "分配", "en": "Allocation"},
    "scope.allocation_none": {
        "zh": "无共生产品，未进行分配。",
        "en": "No co-products; no allocation applied.",
    },
    "scope.allocation_method": {"zh": "分配方法", "en": "Allocation method"},
    "scope.allocation_share": {"zh": "主产品分配比例", "en": "Share of the main product"},
    "scope.allocation_stages": {"zh": "分配适用阶段", "en": "Stages allocated"},
    "scope.coproducts": {"zh": "共生产品", "en": "Co-products"},
    "scope.coproduct_value": {"zh": "（分配值 {value}）", "en": " (allocation value {value})"},
    "scope.coproduct_substitutes": {"zh": "（替代：{link}）", "en": " (substitutes {link})"},
    "allocation.mass": {"zh": "质量分配", "en": "Mass allocation"},
    "allocation.economic": {"zh": "经济价值分配", "en": "Economic allocation"},
    "allocation.physical": {"zh": "物理关系分配", "en": "Physical allocation"},
    "allocation.system-expansion": {
        "zh": "系统扩展（替代法）",
        "en": "System expansion (substitution)",
    },
    "scope.end_of_life": {"zh": "寿命终止与回收方法", "en": "End-of-life approach"},
    "eol.cut-off": {
        "zh": "截断法（100:0）：再生原料仅承担回收加工负担；寿命终止时送往回收的材料不计负担"
        "也不计抵扣；能量回收不计抵扣。",
        "en": "Cut-off (100:0): recycled content carries only its recycling burden; material "
        "sent to recycling at end of life carries no burden and earns no credit; energy "
        "recovery earns no credit.",
    },
    "eol.cff": {
        "zh": "循环足迹公式（CFF，委员会建议 (EU) 2021/2279 附件 I §4.4.8.1），"
        "各材料行的参数见下表。",
        "en": "Circular Footprint Formula (CFF, Commission Recommendation (EU) 2021/2279, "
        "Annex I §4.4.8.1), with the parameters of each material line in the table below.",
    },
    "eol.worldsteel": {
        "zh": "worldsteel 废钢价值法：回收抵扣 −(RR − S)·Y·(Xpr − Xre)"
        "（worldsteel《生命周期清单方法报告》，2017）；抵扣计入总量，并单独列示。"
        "材料行按截断法计算。",
        "en": "worldsteel value of scrap: recycling credit −(RR − S)·Y·(Xpr − Xre) (worldsteel, "
        "Life cycle inventory methodology report, 2017); the credit is in the total and shown "
        "apart. Material lines are computed with the cut-off terms.",
    },
    "eol.cut_off_terms": {
        "zh": "材料行按截断法的各项计算：(1−R1)·Ev + R1·Erecycled + R3·EER + (1−R2−R3)·ED，"
        "参数见下表；各项的贡献见逐行贡献。",
        "en": "Material lines are computed with the cut-off terms (1−R1)·Ev + R1·Erecycled + "
        "R3·EER + (1−R2−R3)·ED, with the parameters below; each term's contribution is in "
        "the line-by-line contributions.",
    },
    "eol.cff_terms": {
        "zh": "材料：(1−R1)·Ev + R1·(A·Erecycled + (1−A)·Ev·Qsin/Qp) + (1−A)·R2·(ErecyclingEoL − "
        "E*v·Qsout/Qp)；能量：(1−B)·R3·(EER − ESE)；处置：(1−R2−R3)·ED。各项的贡献见逐行贡献。",
        "en": "Material: (1−R1)·Ev + R1·(A·Erecycled + (1−A)·Ev·Qsin/Qp) + (1−A)·R2·"
        "(ErecyclingEoL − E*v·Qsout/Qp); energy: (1−B)·R3·(EER − ESE); disposal: "
        "(1−R2−R3)·ED. Each term's contribution is in the line-by-line contributions.",
    },
    "scope.cff_table": {
        "zh": "循环足迹公式参数（按材料行）",
        "en": "Circular Footprint Formula parameters by material line",
    },
    "cff.model": {"zh": "模型", "en": "Model"},
    "cff.line": {"zh": "行", "en": "Line"},
    "cff.a": {"zh": "A", "en": "A"},
    "cff.b": {"zh": "B", "en": "B"},
    "cff.r1": {"zh": "R1", "en": "R1"},
    "cff.r2": {"zh": "R2", "en": "R2"},
    "cff.r3": {"zh": "R3", "en": "R3"},
    "cff.qsin_qp": {"zh": "Qsin/Qp", "en": "Qsin/Qp"},
    "cff.qsout_qp": {"zh": "Qsout/Qp", "en": "Qsout/Qp"},
    "cff.links": {"zh": "链接的排放数据", "en": "Linked burdens"},
    "scope.method": {"zh": "特征化方法（GWP）", "en": "Characterization (GWP)"},
    "method.ipcc-ar6-gwp100": {
        "zh": "IPCC 第六次评估报告（AR6）100 年全球增温潜势（GWP100）",
        "en": "IPCC Sixth Assessment Report (AR6), 100-year global warming potential (GWP100)",
    },
    "method.ipcc-ar6-gwp20": {
        "zh": "IPCC 第六次评估报告（AR6）20 年全球增温潜势（GWP20）",
        "en": "IPCC Sixth Assessment Report (AR6), 20-year global warming potential (GWP20)",
    },
    "method.ipcc-ar5-gwp100": {
        "zh": "IPCC 第五次评估报告（AR5）100 年全球增温潜势（GWP100）",
        "en": "IPCC Fifth Assessment Report (AR5), 100-year global warming potential (GWP100)",
    },
    "scope.rule": {"zh": "遵循的核算规则", "en": "Accounting rule followed"},
    "scope.notes": {"zh": "模型说明", "en": "Model notes"},
    # --- section 3: results ---------------------------------------------------------------
    "results.title": {"zh": "核算结果", "en": "Results"},
    "results.total": {"zh": "每声明单位碳足迹", "en": "Footprint per declared unit"},
    "results.per_functional_unit": {
        "zh": "每功能单位碳足迹",
        "en": "Footprint per functional unit",
    },
    "results.by_stage": {"zh": "按生命周期阶段", "en": "By life-cycle stage"},
    "results.by_gas": {"zh": "按温室气体", "en": "By greenhouse gas"},
    "results.by_category": {"zh": "按排放类别", "en": "By emission category"},
    "results.category_text": {
        "zh": "按 ISO 14067:2018 的要求，化石源排放、生物源排放与清除、直接土地利用变化"
        "（dLUC）排放和航空运输排放分别报告。",
        "en": "As ISO 14067:2018 requires, fossil emissions, biogenic emissions and removals, "
        "direct land-use change (dLUC) emissions and aircraft emissions are reported "
        "separately.",
    },
    "results.gas": {"zh": "温室气体", "en": "Greenhouse gas"},
    "results.category": {"zh": "类别", "en": "Category"},
    "results.value": {"zh": "kg CO2e / {declared}", "en": "kg CO2e / {declared}"},
    "results.share": {"zh": "占比", "en": "Share"},
    "results.offsets": {"zh": "抵消与信用", "en": "Offsets and credits"},
    "results.offsets_text": {
        "zh": "抵消与信用单独列出，未从产品碳足迹中扣减。",
        "en": "Offsets and credits are listed apart and are not subtracted from the "
        "product carbon footprint.",
    },
    "results.offsets_none": {"zh": "模型中无抵消或信用。", "en": "The model has no offsets."},
    "results.offset_line": {"zh": "行", "en": "Line"},
    "results.offset_name": {"zh": "名称", "en": "Name"},
    "results.offset_amount": {"zh": "kg CO2e", "en": "kg CO2e"},
    "results.offset_evidence": {"zh": "证明材料", "en": "Evidence"},
    "unit.per_declared": {"zh": "kg CO2e / {declared}", "en": "kg CO2e / {declared}"},
    "unit.per_functional": {
        "zh": "kg CO2e / 功能单位（{text}）",
        "en": "kg CO2e / functional unit ({text})",
    },
    "category.fossil": {"zh": "化石源", "en": "Fossil"},
    "category.biogenic": {"zh": "生物源（排放与清除）", "en": "Biogenic (emissions and removals)"},
    "category.dluc": {
        "zh": "直接土地利用变化（dLUC）",
        "en": "Direct land-use change (dLUC)",
    },
    "category.aircraft": {"zh": "航空运输", "en": "Aircraft"},
    "gas.CO2e": {"zh": "CO2e（未分气体）", "en": "CO2e (not split by gas)"},
    # --- section 4: contributions ---------------------------------------------------------
    "lines.title": {"zh": "逐行贡献", "en": "Line-by-line contributions"},
    "lines.text": {
        "zh": "每行的贡献 = 数量 × 单位排放 ÷ 模型产出（以声明单位计），各行之和等于总结果。"
        "子模型行的单位排放即该子模型每声明单位的碳足迹。",
        "en": "Each line contributes quantity × per-unit value ÷ the model's output (in "
        "declared units); the lines sum to the total. A sub-model line's per-unit value is "
        "that model's footprint per declared unit.",
    },
    "lines.root": {"zh": "产品模型 {model}", "en": "Product model {model}"},
    "lines.component": {"zh": "子模型 {name}（{model}）", "en": "Sub-model {name} ({model})"},
    "lines.component_total": {"zh": "每声明单位碳足迹", "en": "Footprint per declared unit"},
    "lines.component_output": {"zh": "数据覆盖的产出", "en": "Output the data cover"},
    "lines.component_output_value": {
        "zh": "{output} 个声明单位（{declared}）",
        "en": "{output} declared units ({declared})",
    },
    "lines.stage": {"zh": "阶段", "en": "Stage"},
    "lines.line": {"zh": "行", "en": "Line"},
    "lines.term": {"zh": "项", "en": "Term"},
    "lines.quantity": {"zh": "数量", "en": "Quantity"},
    "lines.unit": {"zh": "单位", "en": "Unit"},
    "lines.link": {"zh": "链接", "en": "Link"},
    # an electricity line: which grid factor it took, and why
    "grid.exact": {
        "zh": "{asked} {year}年，{place} {taken}年",
        "en": "{asked} {year}: {place} {taken}",
    },
    "grid.regional": {
        "zh": "{asked} {year}年无省级因子，采用{place}区域{taken}年",
        "en": "{asked} {year}: no provincial factor, {place} regional {taken} used",
    },
    "grid.national": {
        "zh": "{asked} {year}年无省级或区域因子，采用全国{taken}年",
        "en": "{asked} {year}: no provincial or regional factor, national {taken} used",
    },
    "grid.earlier": {
        "zh": "{asked} {year}年未发布，采用此前最近的{place} {taken}年",
        "en": "{asked} {year}: not published, the latest earlier one ({place} {taken}) used",
    },
    "grid.later": {
        "zh": "{asked} {year}年及以前均未发布，采用其后最早的{place} {taken}年",
        "en": "{asked} {year}: nothing of that year or earlier, the earliest later one "
        "({place} {taken}) used",
    },
    "grid.latest": {
        "zh": "{asked}，未指定年份，采用最新的{place} {taken}年",
        "en": "{asked}, no year given: the latest ({place} {taken}) used",
    },
    "grid.rule": {"zh": "口径依核算规则 {rule}", "en": "basis set by the rule {rule}"},
    "lines.per_unit": {"zh": "单位排放（kg CO2e/单位）", "en": "Per unit (kg CO2e/unit)"},
    "lines.contribution": {"zh": "贡献（kg CO2e）", "en": "Contribution (kg CO2e)"},
    "lines.share": {"zh": "占比", "en": "Share"},
    "lines.data": {"zh": "数据类型", "en": "Data"},
    "lines.dqr": {"zh": "DQR", "en": "DQR"},
    "lines.primary": {"zh": "初级", "en": "primary"},
    "lines.secondary": {"zh": "次级", "en": "secondary"},
    "lines.per_unit_value": {"zh": "{value} /{unit}", "en": "{value} /{unit}"},
    # --- section 5: data sources and quality ----------------------------------------------
    "quality.title": {"zh": "数据来源与数据质量", "en": "Data sources and quality"},
    "quality.dqr": {"zh": "数据质量评级（DQR）", "en": "Data quality rating (DQR)"},
    "quality.dqr_value": {"zh": "{dqr}（{rating}）", "en": "{dqr} ({rating})"},
    "quality.rating": {"zh": "评级", "en": "Rating"},
    "quality.primary_share": {"zh": "初级数据占比", "en": "Share of primary data"},
    "quality.text": {
        "zh": "数据质量按欧盟 PEF 方法评价：每行 DQR = (TeR + GeR + TiR + P) / 4，"
        "结果的 DQR 为各行 DQR 按贡献绝对值加权的平均值（委员会建议 (EU) 2021/2279 附件 I "
        "§4.6.5.7）；≤1.5 优秀，≤2 很好，≤3 好，≤4 一般，其余为差。初级数据占比按贡献绝对值计。",
        "en": "Data quality follows the EU PEF method: DQR = (TeR + GeR + TiR + P) / 4 per "
        "line; the result's DQR is the mean weighted by the absolute contribution "
        "(Commission Recommendation (EU) 2021/2279, Annex I §4.6.5.7); ≤1.5 excellent, ≤2 very "
        "good, ≤3 good, ≤4 fair, otherwise poor. The primary-data share is by absolute "
        "contribution.",
    },
    "quality.models": {"zh": "各模型的数据质量", "en": "Data quality by model"},
    "quality.model": {"zh": "模型", "en": "Model"},
    "quality.sources": {"zh": "引用的数据来源", "en": "Data sources cited"},
    "quality.source": {"zh": "来源", "en": "Source"},
    "quality.used_by": {"zh": "使用该来源的行", "en": "Used by lines"},
    "quality.illustrative": {"zh": "示例数据", "en": "Illustrative"},
    "quality.evidence": {"zh": "初级数据证明材料", "en": "Evidence of primary data"},
    "quality.evidence_text": {"zh": "证明材料", "en": "Evidence"},
    "rating.excellent": {"zh": "优秀", "en": "excellent"},
    "rating.very_good": {"zh": "很好", "en": "very good"},
    "rating.good": {"zh": "好", "en": "good"},
    "rating.fair": {"zh": "一般", "en": "fair"},
    "rating.poor": {"zh": "差", "en": "poor"},
    "rating.unrated": {"zh": "未评级", "en": "unrated"},
    # --- section 6: uncertainty -----------------------------------------------------------
    "uncertainty.title": {"zh": "不确定性分析", "en": "Uncertainty"},
    "uncertainty.none": {
        "zh": "本报告未进行不确定性分析（蒙特卡洛模拟）。",
        "en": "No uncertainty analysis (Monte Carlo simulation) was run for this report.",
    },
    "uncertainty.text": {
        "zh": "蒙特卡洛模拟：每次迭代按各行数量和排放数据给定的概率分布抽样并重新求解"
        "全部模型；主要影响因素按各行贡献与总结果的 Spearman 秩相关系数平方排序并归一化。",
        "en": "Monte Carlo simulation: each iteration draws every line quantity and burden "
        "from its distribution and solves all models again; the drivers are ranked by the "
        "squared Spearman rank correlation of each line's contribution with the total, "
        "normalized to sum to one.",
    },
    "uncertainty.iterations": {"zh": "迭代次数", "en": "Iterations"},
    "uncertainty.seed": {"zh": "随机数种子", "en": "Random seed"},
    "uncertainty.deterministic": {"zh": "确定性结果", "en": "Deterministic result"},
    "uncertainty.mean": {"zh": "平均值", "en": "Mean"},
    "uncertainty.median": {"zh": "中位数", "en": "Median"},
    "uncertainty.std": {"zh": "标准差", "en": "Standard deviation"},
    "uncertainty.interval": {"zh": "95% 区间（2.5%–97.5%）", "en": "95% interval (2.5%–97.5%)"},
    "uncertainty.interval_value": {"zh": "{low} 至 {high}", "en": "{low} to {high}"},
    "uncertainty.rse": {"zh": "平均值的相对标准误差", "en": "Relative standard error of the mean"},
    "uncertainty.histogram": {
        "zh": "总结果的分布（{iterations} 次迭代）",
        "en": "Distribution of the total ({iterations} iterations)",
    },
    "uncertainty.axis": {"zh": "kg CO2e / {declared}", "en": "kg CO2e / {declared}"},
    "uncertainty.p2_5": {"zh": "2.5%", "en": "2.5%"},
    "uncertainty.p97_5": {"zh": "97.5%", "en": "97.5%"},
    "uncertainty.count": {"zh": "频数", "en": "Count"},
    "uncertainty.drivers": {"zh": "主要影响因素", "en": "Drivers of the variance"},
    "uncertainty.rank": {"zh": "排序", "en": "Rank"},
    "uncertainty.line": {"zh": "行", "en": "Line"},
    "uncertainty.name": {"zh": "名称", "en": "Name"},
    "uncertainty.driver_share": {"zh": "方差贡献（近似）", "en": "Share of variance (approx.)"},
    "uncertainty.no_drivers": {
        "zh": "无随迭代变化的行。",
        "en": "No line varies between iterations.",
    },
    # --- section 7: limitations and reproducibility ---------------------------------------
    "limits.title": {"zh": "局限性与可复现性", "en": "Limitations and reproducibility"},
    "limits.limitations": {"zh": "局限性", "en": "Limitations"},
    "limits.single_category": {
        "zh": "本报告只评价气候变化这一个影响类别，不反映产品的其他环境影响。",
        "en": "Only one impact category — climate change — is assessed; other environmental "
        "impacts of the product are not addressed.",
    },
    "limits.secondary": {
        "zh": "结果取决于所用次级数据（排放因子、背景数据库）的质量与代表性。",
        "en": "The result depends on the quality and representativeness of the secondary "
        "data used (emission factors, background databases).",
    },
    "limits.illustrative": {
        "zh": "部分数据标记为示例数据，结果不得用于声明、标识或比较。",
        "en": "Some data are marked illustrative: the result must not be used for claims, "
        "labels or comparisons.",
    },
    "limits.allocation": {
        "zh": "共生产品的分配方法会影响结果；采用其他方法可能得到不同结果。",
        "en": "The allocation between co-products affects the result; another method may "
        "give a different result.",
    },
    "limits.offsets": {
        "zh": "抵消与信用未从结果中扣减。",
        "en": "Offsets and credits are not subtracted from the result.",
    },
    "limits.uncertainty": {
        "zh": "不确定性分析只反映模型与数据中给定的概率分布，未给出分布的数据按确定值处理。",
        "en": "The uncertainty analysis reflects only the distributions given in the model "
        "and data; values without a distribution are treated as exact.",
    },
    "limits.no_uncertainty": {
        "zh": "未进行不确定性分析，结果以单一数值给出。",
        "en": "No uncertainty analysis was run; the result is given as a single value.",
    },
    "limits.unrated": {
        "zh": "部分或全部数据缺少数据质量评级。",
        "en": "Data quality ratings are missing for some or all of the data.",
    },
    "limits.market": {
        "zh": "电力采用基于市场的方法（绿证、绿电交易或购电协议），其余电量采用剩余电网排放因子。",
        "en": "Electricity is accounted for with the market-based method (certificates, green "
        "power or PPAs); the uncovered remainder uses the residual grid mix.",
    },
    "limits.comparison": {
        "zh": "不同产品碳足迹之间的比较须基于相同的产品种类规则、系统边界与数据要求。",
        "en": "Comparisons between product carbon footprints are only valid under the same "
        "product category rules, system boundary and data requirements.",
    },
    "limits.pins": {"zh": "版本锁定（可复现性）", "en": "Pins (reproducibility)"},
    "limits.pins_text": {
        "zh": "下表列出计算所用全部数据与模型的确切版本；使用相同版本重新计算可得到完全相同的"
        "结果（结果指纹 {fingerprint}）。",
        "en": "The table lists the exact versions of all data and models used; recomputing "
        "with these versions reproduces the result exactly (result fingerprint "
        "{fingerprint}).",
    },
    "pin.kind": {"zh": "类型", "en": "Kind"},
    "pin.ref": {"zh": "引用（含版本）", "en": "Reference (with version)"},
    "pin.digest": {"zh": "内容摘要", "en": "Digest"},
    "pin.link": {"zh": "模型中的链接", "en": "Link in the model"},
    "pin.kind.factor": {"zh": "排放因子", "en": "emission factor"},
    "pin.kind.activity": {"zh": "LCI 活动", "en": "LCI activity"},
    "pin.kind.supplier": {"zh": "供应商碳足迹", "en": "supplier footprint"},
    "pin.kind.model": {"zh": "产品模型", "en": "product model"},
    "pin.kind.gwp": {"zh": "GWP 值", "en": "GWP value"},
    "pin.kind.rule": {"zh": "核算规则", "en": "accounting rule"},
    "pin.kind.software": {"zh": "软件", "en": "software"},
    # --- the spreadsheet ------------------------------------------------------------------
    "sheet.summary": {"zh": "概要", "en": "Summary"},
    "sheet.lines": {"zh": "逐行明细", "en": "Lines"},
    "sheet.sources": {"zh": "数据来源", "en": "Sources"},
    "sheet.pins": {"zh": "版本锁定", "en": "Pins"},
    "xlsx.item": {"zh": "项目", "en": "Item"},
    "xlsx.value": {"zh": "数值", "en": "Value"},
    "xlsx.unit": {"zh": "单位", "en": "Unit"},
    "xlsx.total_check": {
        "zh": "根模型各行贡献之和（公式）",
        "en": "Sum of the root model's line contributions (formula)",
    },
    "xlsx.total_recomputed": {
        "zh": "根模型各行重算贡献之和（公式）",
        "en": "Sum of the root model's recomputed contributions (formula)",
    },
    "xlsx.model": {"zh": "模型", "en": "Model"},
    "xlsx.line": {"zh": "行标识", "en": "Line id"},
    "xlsx.term": {"zh": "项", "en": "Term"},
    "xlsx.stage": {"zh": "阶段", "en": "Stage"},
    "xlsx.quantity": {"zh": "数量", "en": "Quantity"},
    "xlsx.unit_of_quantity": {"zh": "数量单位", "en": "Unit"},
    "xlsx.coefficient": {
        "zh": "系数（链接单位数，含分配）",
        "en": "Coefficient (units of the link, allocated)",
    },
    "xlsx.coefficient_unit": {"zh": "系数单位", "en": "Coefficient unit"},
    "xlsx.per_unit": {
        "zh": "单位排放（kg CO2e/系数单位）",
        "en": "Per unit (kg CO2e per coefficient unit)",
    },
    "xlsx.output": {
        "zh": "模型产出（声明单位数）",
        "en": "Model output (declared units)",
    },
    "xlsx.contribution": {
        "zh": "贡献（kg CO2e/声明单位）",
        "en": "Contribution (kg CO2e per declared unit)",
    },
    "xlsx.recomputed": {
        "zh": "重算贡献（公式 = 系数 × 单位排放 ÷ 产出）",
        "en": "Recomputed (formula = coefficient × per unit ÷ output)",
    },
    "xlsx.share": {"zh": "占模型总量比例", "en": "Share of the model's total"},
    "xlsx.allocation": {"zh": "分配比例", "en": "Allocation share"},
    "xlsx.dqr": {"zh": "DQR", "en": "DQR"},
    "xlsx.primary": {"zh": "数据类型", "en": "Data"},
    "xlsx.illustrative": {"zh": "示例数据", "en": "Illustrative"},
    "xlsx.link": {"zh": "链接", "en": "Link"},
    "xlsx.source": {"zh": "来源", "en": "Source"},
    "xlsx.formula": {"zh": "计算过程", "en": "Formula"},
    "xlsx.declared_units": {"zh": "声明单位（{declared}）", "en": "declared units ({declared})"},
}


def check_language(language: str) -> str:
    """The language if it is one of the catalogue's, else a ``ValueError``."""
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def t(key: str, language: str, **values: object) -> str:
    """The label ``key`` in ``language``, with ``{placeholders}`` filled from ``values``."""
    text = TEXT[key][check_language(language)]
    return text.format(**values) if values else text


def t_or(key: str, language: str, default: str, **values: object) -> str:
    """The label ``key`` if the catalogue has it, else ``default`` (data shown as given)."""
    return t(key, language, **values) if key in TEXT else default


def fmt_value(value: float | None, digits: int = 4) -> str:
    """``digits`` significant digits, integers kept whole: 0.5123, 12,346, 0.00001235
    (:func:`tanji.domain.numbers.format_number`, as the pages show numbers)."""
    return format_number(value, "zh", digits, zeros=True)


def fmt_quantity(value: float) -> str:
    """An amount of activity data as given, up to 6 significant digits (1,000,000 kg,
    never 1e+06 kg)."""
    return format_number(value, "zh", 6)


def fmt_percent(fraction: float | None) -> str:
    """A share as a percentage with one decimal: 0.1234 → 12.3%."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return f"{100 * fraction:.1f}%"


def fmt_dqr(dqr: float | None) -> str:
    """A PEF data quality rating with two decimals (— when unrated)."""
    return "—" if dqr is None else f"{dqr:.2f}"
