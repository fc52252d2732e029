// Mounts the rasa-webchat widget on the demo page (web/index.html). See the comment there for the
// query parameters (?socket=, ?token=) and how a real bank page injects the token instead.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var selector = "#webchat";
  var mount = document.querySelector(selector);
  // The bank's signed-in page renders its settings on the chat element (data-socket-url,
  // data-auth-token) or sets window.ADVISOR_CHAT_CONFIG = {socketUrl, authToken} before this script.
  var injected = window.ADVISOR_CHAT_CONFIG || {};
  var socketUrl = params.get("socket") || mount.getAttribute("data-socket-url") || injected.socketUrl ||
    "http://localhost:5005";
  var authToken = params.get("token") || mount.getAttribute("data-auth-token") || injected.authToken || null;
  var status = document.getElementById("connection");

  function show(text, isError) {
    status.textContent = "";
    status.className = isError ? "status error" : "status";
    status.appendChild(document.createTextNode(text));
  }

  if (params.has("token")) {
    // Keep the token out of the address bar and history once it has been read.
    params.delete("token");
    var rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
  }

  if (!window.WebChat || !window.WebChat.default) {
    show("The chat widget is not installed: run `npm ci` in web/ and reload.", true);
    return;
  }

  // The chat language: ?lang=, else the switch's last choice, else the browser's language. It goes
  // to the assistant as customData.language; the customer can still type "说中文" / "English please".
  var LANGUAGES = { "en": true, "zh-CN": true };
  var stored = null;
  try { stored = window.localStorage.getItem("advisor-chat-language"); } catch (e) { stored = null; }
  var browser = (navigator.language || "en").toLowerCase().indexOf("zh") === 0 ? "zh-CN" : "en";
  var language = [params.get("lang"), stored, browser].filter(function (l) { return LANGUAGES[l]; })[0];
  var chinese = language === "zh-CN";
  var switcher = document.getElementById("language");
  if (switcher) {
    switcher.value = language;
    switcher.addEventListener("change", function () {
      try { window.localStorage.setItem("advisor-chat-language", switcher.value); } catch (e) { /* private mode */ }
      params.set("lang", switcher.value);
      // The widget keeps the conversation (session storage) across the reload; the next message
      // carries the new language.
      window.location.search = params.toString();
    });
  }

  var customData = { language: language };
  if (authToken) {
    customData.auth_token = authToken;  // verified by the assistant; a bad one means "guest"
  }

  var props = {
    selector: selector,
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    customData: customData,
    initPayload: "/greet",
    title: chinese ? "财富助手" : "Wealth assistant",
    subtitle: authToken ? (chinese ? "已登录" : "Signed in") : (chinese ? "访客" : "Guest"),
    inputTextFieldHint: chinese ? "问问您的风险等级、产品或储蓄计划…" : "Ask about your risk level, products or savings…",
    connectingText: chinese ? "正在连接助手…" : "Connecting to the assistant…",
    embedded: true,
    showCloseButton: false,
    hideWhenNotConnected: false,
    withRules: false,
    params: { storage: "session" },
    customMessageDelay: function () { return 300; },
    mainColor: "#0b2545",
    userBackgroundColor: "#13315c",
    userTextColor: "#ffffff",
    onSocketEvent: {
      connect: function () { show("Connected to " + socketUrl + (authToken ? " (signed in)" : " (as a guest)")); },
      connect_error: function () { show("Cannot reach the assistant at " + socketUrl + ".", true); },
      disconnect: function () { show("Disconnected from " + socketUrl + "; retrying…", true); }
    }
  };

  // rasa-webchat 0.x exposed WebChat.default.init({selector, ...}); 1.x exports the mount
  // function itself as WebChat.default(props, element). Support both.
  show("Connecting to " + socketUrl + "…");
  if (typeof window.WebChat.default.init === "function") {
    window.WebChat.default.init(props);
  } else {
    window.WebChat.default(props, mount);
  }
})();
