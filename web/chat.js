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

  var customData = { language: "en" };
  if (authToken) {
    customData.auth_token = authToken;  // verified by the assistant; a bad one means "guest"
  }

  var props = {
    selector: selector,
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    customData: customData,
    initPayload: "/greet",
    title: "Wealth assistant",
    subtitle: authToken ? "Signed in" : "Guest",
    inputTextFieldHint: "Ask about your risk level, products or savings…",
    connectingText: "Connecting to the assistant…",
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
