/**
 * The maintained prompt-injection pattern set: phrasings seen in published jailbreak
 * and prompt-injection corpora, each with a weight (how strongly it alone suggests an
 * attack). Scores combine as a noisy-or, 1 − Π(1 − w), over the distinct patterns that
 * occur, so one strong signal or several weak ones reach a threshold, and repeating a
 * phrase adds nothing. Patterns are matched case-insensitively and whitespace-tolerant.
 * They are fixed (never policy input) and run on V8 (case-insensitive, without `u`), so
 * they follow a written rule: literal words separated by whitespace runs, every
 * repetition bounded and over words that end in whitespace, so no character can be
 * matched two ways; test/security/linear-time.test.ts holds the set to a linear time
 * bound on adversarial input. Add a pattern with positive and negative examples in the corpus
 * (test/guardrails/injection-corpus.json).
 */

export interface InjectionPattern {
  readonly id: string;
  readonly weight: number;
  readonly source: string;
}

const W = "\\s+";
const FILLER = `(?:(?:all|any|the|your|my|every|of|these|those|previous|prior|above|earlier|preceding|original|initial|system|current)${W}){0,5}`;

export const INJECTION_PATTERNS: readonly InjectionPattern[] = [
  {
    id: "ignore-instructions",
    weight: 0.65,
    source: `\\b(?:ignore|disregard|forget|override|bypass)${W}${FILLER}(?:instructions?|prompts?|rules|directions|guidelines|directives)\\b`,
  },
  { id: "new-instructions", weight: 0.4, source: `\\b(?:new|updated|real|actual|true)${W}(?:system${W})?(?:instructions?|directives?)\\s*:` },
  {
    id: "reveal-system-prompt",
    weight: 0.55,
    source: `\\b(?:reveal|show|print|repeat|output|display|leak|dump|tell${W}me)${W}(?:(?:me|us|your|the|all|of|initial|original|hidden|secret|exact|full|entire|above)${W}){0,4}(?:system${W}prompt|system${W}message|initial${W}prompt|hidden${W}prompt|pre-?prompt|instructions${W}(?:above|you${W}were${W}given))`,
  },
  {
    id: "role-override",
    weight: 0.35,
    source: `\\b(?:you${W}are${W}now${W}(?:an?${W})?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|free)|from${W}now${W}on,?${W}you${W}(?:are|will${W}be)${W}(?:an?${W})?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|dan))\\b`,
  },
  { id: "do-anything-now", weight: 0.55, source: `\\bdo${W}anything${W}now\\b` },
  { id: "developer-mode", weight: 0.3, source: `\\b(?:developer|god|debug|admin)${W}mode${W}(?:enabled|activated|on)\\b|\\benable${W}(?:developer|god)${W}mode\\b` },
  {
    id: "no-restrictions",
    weight: 0.4,
    source: `\\b(?:without|ignoring|bypass|disable|remove|no)${W}(?:(?:any|all|your|the|safety|content|ethical|moral)${W}){0,3}(?:restrictions|filters|safeguards|limitations|censorship|guardrails)\\b`,
  },
  { id: "chat-markup", weight: 0.5, source: "<\\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\\|>|\\[/?INST\\]|<<SYS>>|<</SYS>>" },
  { id: "fake-system-header", weight: 0.35, source: "(?:^|\\n)[ \\t]{0,8}(?:#{2,4}|\\[)[ \\t]?(?:system|admin|developer)(?:[ \\t]message)?[ \\t]?\\]?[ \\t]?:" },
  { id: "pretend", weight: 0.25, source: `\\bpretend${W}(?:that${W})?(?:you${W}are|to${W}be|you${W}have${W}no)\\b` },
  { id: "end-of-prompt", weight: 0.3, source: `\\bend${W}of${W}(?:the${W})?(?:system${W})?(?:prompt|instructions)\\b` },
  {
    id: "zh-ignore-instructions",
    weight: 0.65,
    source: "(?:忽略|无视|忘记|忽视|不要理会)(?:之前|以上|上面|前面|先前|所有|全部|你的)?(?:的)?(?:所有|全部)?(?:指令|指示|提示词?|规则|说明|设定)",
  },
  { id: "zh-reveal-system-prompt", weight: 0.55, source: "(?:显示|输出|告诉我|打印|重复|泄露)(?:你的|一下)?(?:系统提示词?|系统指令|初始指令|隐藏指令)" },
  { id: "invisible-text", weight: 0.25, source: "(?:[\\u200B-\\u200D\\u2060\\uFEFF]|\\uDB40[\\uDC00-\\uDC7F]){4}" },
];

/**
 * The flags the patterns are compiled with. No `u`: case-insensitive Unicode matching
 * made the combined scan ~20× slower (bench/guardrails.mjs), and every pattern is
 * written in BMP code units (tag characters as surrogate pairs).
 */
export const INJECTION_FLAGS = "gi";
