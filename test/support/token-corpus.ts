/**
 * Sample prompts in the scripts and shapes a gateway sees, for measuring the token
 * estimate against exact tokenizer counts (test/quotas/estimate-tokens.test.ts,
 * test/support/estimate-accuracy.ts). Written for this repository (no third-party
 * text): English prose and code come from the repository itself.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { REPO_ROOT } from "./repo-paths.js";

const file = (path: string): string => readFileSync(resolve(REPO_ROOT, path), "utf8");

/** Name → text. Each is a few hundred to a few thousand characters. */
export const TOKEN_CORPUS: Readonly<Record<string, string>> = {
  prose: file("README.md").slice(0, 30_000),
  code: file("runtime/pipeline/chat-call.ts"),
  json: JSON.stringify(
    {
      type: "function",
      function: {
        name: "search_flights",
        description: "Search direct and connecting flights between two airports on a given date, cheapest first.",
        parameters: {
          type: "object",
          properties: {
            origin: { type: "string", description: "IATA code of the departure airport, e.g. CDG" },
            destination: { type: "string", description: "IATA code of the arrival airport, e.g. NRT" },
            date: { type: "string", format: "date" },
            passengers: { type: "integer", minimum: 1, maximum: 9 },
            cabin: { type: "string", enum: ["economy", "premium_economy", "business", "first"] },
          },
          required: ["origin", "destination", "date"],
        },
      },
    },
    null,
    2,
  ).repeat(4),
  chinese:
    "人工智能网关是一种位于应用程序和大型语言模型之间的中间层，它负责路由、认证、限流和计费。企业使用它来统一管理多个模型提供商，控制成本，并保护敏感数据不被泄露。" +
    "当一个请求到达网关时，网关首先检查调用者的密钥，然后根据策略选择合适的模型。如果首选的服务商暂时不可用，网关会自动切换到备用服务商，用户几乎察觉不到任何中断。" +
    "此外，网关还会记录每一次调用的用量和费用，方便财务部门按团队或项目进行核算。对于包含个人信息的提示词，网关可以在发送之前将其遮盖，从而满足合规要求。" +
    "请证明这个定理：任意两个偶数之和仍然是偶数。请一步一步地写出推理过程，并在最后给出简短的结论。",
  japanese:
    "このゲートウェイは、アプリケーションと大規模言語モデルの間に置かれ、認証、ルーティング、流量制限、課金をまとめて引き受けます。" +
    "利用者はいつもと同じ OpenAI の SDK をそのまま使い、接続先の URL を変えるだけで済みます。障害が起きたときは、設定に従って別のプロバイダーへ自動的に切り替わります。" +
    "また、すべてのリクエストについて使用量と費用が記録されるので、チームごとの予算管理がしやすくなります。個人情報を含むプロンプトは、送信前に伏せ字にすることもできます。" +
    "次の文章を三行で要約してください。できるだけ平易な言葉を使い、専門用語には短い説明を添えてください。",
  korean:
    "이 게이트웨이는 애플리케이션과 대형 언어 모델 사이에 위치하여 인증, 라우팅, 속도 제한, 비용 계산을 한곳에서 처리합니다. " +
    "개발자는 평소에 쓰던 OpenAI SDK를 그대로 사용하고 주소만 바꾸면 됩니다. 한 공급자에 장애가 생기면 정책에 따라 다른 공급자로 자동으로 전환됩니다. " +
    "모든 요청의 사용량과 비용이 기록되므로 팀별 예산을 관리하기가 쉬워집니다. 개인 정보가 들어 있는 프롬프트는 보내기 전에 가릴 수도 있습니다.",
  russian:
    "Шлюз для языковых моделей располагается между приложением и поставщиками моделей и берёт на себя аутентификацию, маршрутизацию, ограничение частоты запросов и учёт расходов. " +
    "Разработчики продолжают пользоваться привычным SDK и меняют только адрес сервера. Если основной поставщик недоступен, шлюз автоматически переключается на резервного, и пользователи почти ничего не замечают. " +
    "Кроме того, для каждого запроса сохраняются сведения об использованных токенах и стоимости, что упрощает распределение бюджета между командами. " +
    "Докажите, пожалуйста, что сумма двух чётных чисел всегда чётна, и объясните каждый шаг рассуждения.",
  german:
    "Ein KI-Gateway sitzt zwischen der Anwendung und den Sprachmodellen und übernimmt Authentifizierung, Weiterleitung, Ratenbegrenzung und Abrechnung. " +
    "Entwickler verwenden weiterhin ihr gewohntes SDK und ändern lediglich die Serveradresse. Fällt der bevorzugte Anbieter aus, wechselt das Gateway automatisch zu einem Ersatzanbieter. " +
    "Außerdem werden für jede Anfrage Verbrauch und Kosten erfasst, sodass sich Budgets übersichtlich auf Teams und Projekte verteilen lassen. Personenbezogene Daten können vor dem Versand geschwärzt werden.",
  french:
    "Une passerelle d'IA se place entre l'application et les modèles de langage : elle se charge de l'authentification, du routage, de la limitation de débit et de la facturation. " +
    "Les développeurs continuent d'utiliser leur SDK habituel et ne changent que l'adresse du serveur. Si le fournisseur préféré est indisponible, la passerelle bascule automatiquement vers un fournisseur de secours. " +
    "Chaque requête est en outre comptabilisée, ce qui facilite la répartition du budget entre les équipes. Les données personnelles peuvent être masquées avant l'envoi.",
  spanish:
    "Una pasarela de IA se sitúa entre la aplicación y los modelos de lenguaje y se encarga de la autenticación, el enrutamiento, la limitación de peticiones y la facturación. " +
    "Los desarrolladores siguen usando su SDK de siempre y solo cambian la dirección del servidor. Si el proveedor preferido no está disponible, la pasarela cambia automáticamente a uno de respaldo. " +
    "Además, se registran el consumo y el coste de cada petición, lo que facilita repartir el presupuesto entre equipos.",
  arabic:
    "تقع بوابة الذكاء الاصطناعي بين التطبيق ونماذج اللغة، وتتولى المصادقة والتوجيه وتحديد معدل الطلبات والفوترة. " +
    "يواصل المطورون استخدام حزمة البرمجيات المعتادة ويغيرون عنوان الخادم فقط. وإذا تعذر الوصول إلى المزود المفضل، تنتقل البوابة تلقائيا إلى مزود احتياطي. " +
    "كما يتم تسجيل الاستهلاك والتكلفة لكل طلب، مما يسهل توزيع الميزانية بين الفرق.",
  hindi:
    "एआई गेटवे एप्लिकेशन और भाषा मॉडलों के बीच स्थित होता है और प्रमाणीकरण, रूटिंग, दर सीमा और बिलिंग को संभालता है। " +
    "डेवलपर अपना सामान्य एसडीके इस्तेमाल करते रहते हैं और केवल सर्वर का पता बदलते हैं। यदि पसंदीदा प्रदाता उपलब्ध नहीं है, तो गेटवे अपने आप किसी बैकअप प्रदाता पर चला जाता है।",
  greek:
    "Η πύλη τεχνητής νοημοσύνης βρίσκεται ανάμεσα στην εφαρμογή και στα γλωσσικά μοντέλα και αναλαμβάνει την αυθεντικοποίηση, τη δρομολόγηση, τον περιορισμό αιτημάτων και τη χρέωση. " +
    "Οι προγραμματιστές συνεχίζουν να χρησιμοποιούν το γνωστό τους εργαλείο και αλλάζουν μόνο τη διεύθυνση του διακομιστή. Αν ο προτιμώμενος πάροχος δεν είναι διαθέσιμος, η πύλη περνά αυτόματα σε εφεδρικό πάροχο.",
  hebrew:
    "שער הבינה המלאכותית יושב בין האפליקציה לבין מודלי השפה ומטפל באימות, בניתוב, בהגבלת קצב ובחיוב. " +
    "המפתחים ממשיכים להשתמש בערכת הפיתוח הרגילה ומשנים רק את כתובת השרת. אם הספק המועדף אינו זמין, השער עובר אוטומטית לספק גיבוי.",
  thai: "เกตเวย์ปัญญาประดิษฐ์ตั้งอยู่ระหว่างแอปพลิเคชันกับโมเดลภาษา และดูแลการยืนยันตัวตน การกำหนดเส้นทาง การจำกัดอัตรา และการเรียกเก็บเงิน " + "นักพัฒนายังคงใช้ชุดเครื่องมือเดิมและเปลี่ยนเพียงที่อยู่ของเซิร์ฟเวอร์เท่านั้น",
  vietnamese:
    "Cổng trí tuệ nhân tạo nằm giữa ứng dụng và các mô hình ngôn ngữ, đảm nhận việc xác thực, định tuyến, giới hạn tốc độ và tính phí. " +
    "Các nhà phát triển vẫn dùng bộ công cụ quen thuộc và chỉ thay đổi địa chỉ máy chủ. Nếu nhà cung cấp ưu tiên không khả dụng, cổng sẽ tự động chuyển sang nhà cung cấp dự phòng.",
  turkish:
    "Yapay zekâ geçidi, uygulama ile dil modelleri arasında yer alır ve kimlik doğrulama, yönlendirme, hız sınırlama ve faturalandırma işlerini üstlenir. " +
    "Geliştiriciler alıştıkları yazılım geliştirme kitini kullanmaya devam eder ve yalnızca sunucu adresini değiştirir.",
  chat:
    "hey!! 😀 quick q — can u check why my build fails?? 🙏\n\n```\nnpm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\n```\n" +
    "tried `rm -rf node_modules && npm i` already… no luck 😩. also: what's the diff between ^1.2.3 and ~1.2.3 in package.json? thx 🙌🙌",
  numbers: Array.from(
    { length: 60 },
    (_, i) => `| ${2020 + (i % 6)}-${String((i % 12) + 1).padStart(2, "0")} | ${(i * 7919) % 100_000} | ${((i * 31.7) % 997).toFixed(2)} | ${(i * 0.37).toFixed(1)}% |`,
  ).join("\n"),
  urls: Array.from({ length: 40 }, (_, i) => `https://cdn.example.com/assets/v${i}/img_${(i * 2654435761) % 1_000_000}.png?sig=${((i + 7) * 40503).toString(36)}`).join("\n"),
};
