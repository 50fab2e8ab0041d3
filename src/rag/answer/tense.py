"""Whether a passage speaks of work done or of work to come: plan questions take the future
(下一步, 下阶段, 将继续), questions about what was done take the past (近年来, 已, 累计)."""

import re

FUTURE = re.compile(
    r"下一步|下阶段|下一阶段|今后|工作打算|打算|拟|(?:将|要)(?:继续|进一步|加快|加强|持续|深化|积极|会同|结合|充分|围绕|推动|研究|支持|完善|聚焦|重点|着力|大力|不断|全面|努力|力争|统筹|吸纳|以)"
)
PAST = re.compile(r"近年来|以来|已经|已(?!有)|累计|截至|截止|情况如下|进展如下|主要做法|取得")
DUE = re.compile(r"将于|预计|计划于|拟于|有望于")  # a time something is due at: 预计将于 2026 年 6 月开放
