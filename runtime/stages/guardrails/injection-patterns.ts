/**
 * The maintained prompt-injection pattern set: phrasings seen in published jailbreak
 * and prompt-injection corpora, each with a weight (how strongly it alone suggests an
 * attack). Scores combine as a noisy-or, 1 − Π(1 − w), over the distinct patterns that
 * occur, so one strong signal or several weak ones reach a threshold, and repeating a
 * phrase adds nothing. Patterns are matched case-insensitively and whitespace-tolerant.
 * They are fixed (never policy input) and run on V8 (case-insensitive, without `u`), so
 * they follow a written rule: literal words separated by whitespace runs, every
 * repetition bounded and over words that end in whitespace, so no character can be
 * matched two ways (the Chinese patterns' gaps are bounded runs of non-punctuation,
 * lazily matched). They run on the text and on its normalized and decoded views
 * (normalize-text.ts). Add a pattern with positive and negative examples in the corpus
 * (test/guardrails/injection-corpus.json); its precision and recall on the published
 * corpus (test/fixtures/prompt-injection/) are measured by bench/guardrails.mjs, and
 * test/security/linear-time.test.ts holds the set to a linear time bound on adversarial input.
 */

export interface InjectionPattern {
  readonly id: string;
  readonly weight: number;
  readonly source: string;
}

const W = "\\s+";
const FILLER = `(?:(?:all|any|the|your|my|every|of|these|those|previous|prior|above|earlier|preceding|original|initial|system|current|and|following|other|rest|that|you|were|got|given|before|safety|content|ethical)${W}){0,6}`;
/** Extraction targets: the prompt, instructions or configuration the model was given. */
const TARGET = `(?:system${W}prompt|system${W}message|system${W}instructions?|initial${W}(?:prompt|instructions?|configuration)|starting${W}instructions|original${W}(?:prompt|instructions)|hidden${W}(?:prompt|instructions)|pre-?prompt|instructions${W}(?:above|you${W}were${W}given)|your${W}(?:(?:exact|full|entire|first|original|initial)${W}){0,2}(?:instructions|guidelines|configuration|rules|directives))`;

export const INJECTION_PATTERNS: readonly InjectionPattern[] = [
  {
    id: "ignore-instructions",
    weight: 0.65,
    source: `\\b(?:ignore|disregard|forget|override|bypass)${W}${FILLER}(?:instructions?|prompts?|rules|directions|guidelines|directives|tasks)\\b`,
  },
  {
    id: "ignore-above",
    weight: 0.55,
    source: `\\b(?:ignore|disregard|forget)${W}(?:(?:all|everything|the|what|said|written|rest${W}of${W}this|this)${W}){0,3}(?:above|before|earlier|previously|data|text)\\b`,
  },
  {
    id: "new-instructions",
    weight: 0.4,
    source: `\\b(?:new|updated|real|actual|true)${W}(?:system${W})?(?:instructions?|directives?|task)\\s*:|\\bnow${W}focus${W}on${W}your${W}new${W}task\\b`,
  },
  {
    id: "reveal-system-prompt",
    weight: 0.55,
    source: `\\b(?:reveal|show|print|repeat|output|display|leak|dump|encode|translate|summari[sz]e|quote|see|tell${W}me|give${W}me|what${W}(?:are|were|is))[\\s:,]+(?:(?:me|us|your|the|all|of|in|full|exact|entire|words|first|ten|sentence|text|just|a|short|summary|everything)${W}){0,6}${TARGET}|\\bwhat${W}were${W}you${W}told\\b|\\bwhat${W}(?:are|were)${W}you${W}not${W}(?:supposed|allowed)${W}to${W}(?:tell|say|reveal)\\b|\\bi${W}was${W}instructed${W}to\\b|\\bthe${W}system${W}prompt${W}is\\s*:`,
  },
  {
    id: "prompt-target",
    weight: 0.3,
    source: `\\b${TARGET}\\b|\\b(?:rules|instructions|guidelines)${W}you${W}(?:follow|were${W}given|received)\\b|\\bwhat${W}you${W}must${W}not${W}reveal\\b`,
  },
  { id: "verbatim", weight: 0.3, source: `\\b(?:verbatim|word${W}for${W}word|(?:original|exact)${W}(?:wording|phrasing)|exactly${W}as${W}written)\\b` },
  {
    id: "text-above",
    weight: 0.3,
    source: `\\b(?:repeat|output|print|copy)${W}(?:(?:all|everything|the|text|words|in|full)${W}){0,3}(?:above|before${W}this)\\b|\\b(?:my|the)${W}instructions${W}are\\s*:|\\bstart${W}your${W}(?:answer|response|reply)${W}with\\b`,
  },
  {
    id: "role-override",
    weight: 0.35,
    source: `\\b(?:you${W}are${W}now${W}(?:an?${W})?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|free)|from${W}now${W}on,?${W}you${W}(?:are|will${W}be)${W}(?:an?${W})?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|dan))\\b`,
  },
  { id: "do-anything-now", weight: 0.55, source: `\\bdo${W}anything${W}now\\b|\\bdan${W}mode\\b` },
  { id: "developer-mode", weight: 0.45, source: `\\b(?:developer|god|debug|admin|maintenance|jailbreak|unrestricted)${W}mode\\b` },
  {
    id: "act-as",
    weight: 0.2,
    source: `\\byou${W}are${W}going${W}to${W}(?:act|pretend|play)\\b|\\bstay${W}in${W}character\\b|\\bsimulate${W}(?:a|an|the)?${W}?(?:chatbot|ai|mode)\\b`,
  },
  {
    id: "no-restrictions",
    weight: 0.4,
    source: `\\b(?:without|ignoring|bypass|disable|remove|no)${W}(?:(?:any|all|your|the|safety|content|ethical|moral)${W}){0,3}(?:restrictions|filters|safeguards|limitations|censorship|guardrails)\\b`,
  },
  {
    id: "policy-override",
    weight: 0.5,
    source: `\\b(?:ignores?|bypass(?:es)?|violat(?:e|es|ing)|disregards?|break)${W}(?:(?:all|any|the|your|its|of|openai's|openai)${W}){0,3}(?:content${W}polic(?:y|ies)|safety${W}(?:guidelines|policies|filters)|ethical${W}guidelines|guidelines)\\b|\\bfreed${W}from${W}the${W}(?:typical${W})?confines\\b`,
  },
  { id: "chat-markup", weight: 0.5, source: "<\\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\\|>|\\[/?INST\\]|<<SYS>>|<</SYS>>" },
  {
    id: "fake-system-header",
    weight: 0.5,
    source:
      "(?:^|\\n)[ \\t]{0,8}(?:#{2,4}|\\[)[ \\t]?(?:system|admin|developer)(?:[ \\t]message)?[ \\t]?\\]?[ \\t]?:|\\[(?:system|override|admin|developer|system notice)\\]|\\b(?:system|administrator|admin)[ \\t]+(?:override|notice)\\b",
  },
  { id: "fake-turn", weight: 0.3, source: "\\n[ \\t]{0,8}(?:user|human|assistant)[ \\t]{0,4}:" },
  {
    id: "embedded-directive",
    weight: 0.5,
    source: `\\b(?:hidden|embedded|mandatory|agent)${W}(?:instructions?|directives?)\\b|\\bmandatory${W}compliance\\b|\\bexfil(?:trat(?:e|ion))?${W}request\\b`,
  },
  {
    id: "hijack-output",
    weight: 0.5,
    source: `\\bstop${W}everything\\b|\\bjust${W}(?:print|say|output)${W}["'\\u201c]|\\bpwned\\b|\\bprepend${W}\\S+${W}to${W}(?:your|the)${W}(?:response|reply|answer)\\b|\\balways${W}answer${W}with${W}\\S+${W}as${W}the${W}first${W}word\\b`,
  },
  { id: "pretend", weight: 0.25, source: `\\bpretend${W}(?:that${W})?(?:you${W}are|to${W}be|you${W}have${W}no)\\b` },
  { id: "end-of-prompt", weight: 0.3, source: `\\bend${W}of${W}(?:the${W})?(?:system${W})?(?:prompt|instructions)\\b|\\bnevermind\\.` },
  {
    id: "zh-ignore-instructions",
    weight: 0.65,
    source:
      "(?:忽略|无视|忽视|不要理会)[^。！？\\n]{0,10}?(?:指令|指示|提示词?|规则|说明|设定|准则|限制|政策|内容|对话|上述|以上|上面)|忘记你[^。！？\\n]{0,10}?(?:指令|指示|设定|规则|准则)|忘记(?:之前|以上|上面|前面|先前|所有)[^。！？\\n]{0,6}?(?:指令|指示|提示词?|规则|设定)",
  },
  { id: "zh-reveal-system-prompt", weight: 0.55, source: "(?:显示|输出|告诉我|打印|重复|泄露)(?:你的|一下)?(?:系统提示词?|系统指令|初始指令|隐藏指令)" },
  {
    id: "zh-no-limits",
    weight: 0.4,
    source:
      "(?:没有|不受|无|不存在|移除了?|解除|禁用|暂停)(?:任何|所有|你的){0,2}(?:的)?(?:安全|内容|道德|法律|人类)?(?:和)?(?:规则)?(?:的)?(?:限制|约束|过滤器?|审查|审核|协议|准则)|(?:限制|过滤器?|审查|审核)[^。！？\\n]{0,8}?(?:被禁用|被移除|被解除|被废除|被暂停)|未经过滤|无限制|不受限制",
  },
  { id: "zh-mode", weight: 0.5, source: "(?:开发者|无限制|越狱|上帝)模式" },
  { id: "zh-weak-mode", weight: 0.3, source: "(?:测试|管理员|调试|维护)模式" },
  { id: "zh-role", weight: 0.25, source: "角色扮演|角色互换|扮演(?:一个|一名)|假装(?:你|自己)|你现在是|现在你是|从现在开始，?你|你是一个(?:没有|不受|超级|被)" },
  { id: "zh-no-refusal", weight: 0.4, source: "(?:不会|不能|不要|永远不|无需|不需要)(?:刻意)?(?:拒绝|说'?不'?|添加(?:任何)?(?:安全)?警告)" },
  { id: "zh-policy", weight: 0.5, source: "(?:违反|忽略|绕过|无视|放下|抛开)(?:任何|你的)?(?:安全|内容)?(?:准则|政策|规定|限制|过滤|检测)" },
  { id: "zh-switch-task", weight: 0.5, source: "(?:忽略|无视|忘记你|现在忘记)[^。！？\\n]{0,10}?[。，,！!][ \\t]*(?:现在|直接|然后|请)?(?:回答|告诉我|输出)" },
  { id: "invisible-text", weight: 0.25, source: "(?:[\\u200B-\\u200D\\u2060\\uFEFF]|\\uDB40[\\uDC00-\\uDC7F]){4}" },
];

/**
 * The flags the patterns are compiled with. No `u`: case-insensitive Unicode matching
 * made the combined scan ~20× slower (bench/guardrails.mjs), and every pattern is
 * written in BMP code units (tag characters as surrogate pairs).
 */
export const INJECTION_FLAGS = "gi";

/**
 * For the English patterns: lowercase substrings of which every match holds at least one
 * (read off each alternative of the source above; keep them in step when a pattern
 * changes). A pattern none of whose anchors occurs in the lowercased text cannot match it
 * and is not run: one `includes` is far cheaper than a regex that tries a word
 * alternation at every position, and most texts hold no anchor of most patterns.
 * test/guardrails/injection-anchors.test.ts checks every corpus match against them.
 * Patterns without an entry always run (the Chinese ones run only on CJK text). Two
 * rules keep injection.ts's one-pass search of them exact: an anchor that starts with a
 * letter starts a word in every match that holds it (after `\b` or whitespace in the
 * source: `preprompt` is listed because `pre-?prompt` has a `prompt` inside a word), and no
 * anchor is a prefix of another (`instruct`, not also `instruction`).
 */
export const INJECTION_ANCHORS: Readonly<Record<string, readonly string[]>> = {
  "ignore-instructions": ["ignore", "disregard", "forget", "override", "bypass"],
  "ignore-above": ["ignore", "disregard", "forget"],
  "new-instructions": ["instruct", "directive", "task", "focus"],
  // The extraction targets (TARGET), then the other alternatives.
  "reveal-system-prompt": ["system", "initial", "start", "original", "hidden", "prompt", "preprompt", "instruct", "your", "told", "supposed", "allowed"],
  "prompt-target": ["system", "initial", "start", "original", "hidden", "prompt", "preprompt", "instruct", "your", "rules", "guideline", "reveal"],
  verbatim: ["verbatim", "word", "phrasing", "written"],
  "text-above": ["above", "before", "instruct", "start"],
  "role-override": ["now"],
  "do-anything-now": ["anything", "dan"],
  "developer-mode": ["mode"],
  "act-as": ["going", "character", "simulate"],
  "no-restrictions": ["restriction", "filter", "safeguard", "limitation", "censorship", "guardrail"],
  "policy-override": ["polic", "guideline", "filter", "confines"],
  "chat-markup": ["<|", "inst]", "sys>>"],
  "fake-system-header": ["system", "admin", "developer", "override"],
  "fake-turn": ["\n"],
  "embedded-directive": ["instruct", "directive", "mandatory", "exfil"],
  "hijack-output": ["everything", "just", "pwned", "prepend", "always"],
  pretend: ["pretend"],
  "end-of-prompt": ["prompt", "instruct", "nevermind"],
};
