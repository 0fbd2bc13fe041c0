/*!
 * Virage — widget de clavardage intégrable (Programme pour la transformation
 * numérique des entreprises collectives).
 *
 * Intégration : une seule balise, par exemple
 *   <script src="https://virage.example.org/widget/virage-widget.js"
 *           data-server="https://virage.example.org" defer></script>
 *
 * Sans dépendance ni CDN : ce fichier contient un petit client Engine.IO v4 /
 * Socket.IO v5 (WebSocket seulement) pour le canal « socketio » de Rasa 3.6, avec
 * repli sur le canal REST de Rasa si les WebSockets sont bloqués. Tout ce qui vient
 * du robot ou du visiteur est inséré dans la page comme du texte (textContent,
 * createElement) : jamais innerHTML.
 */
(function () {
  'use strict';

  if (window.VirageWidget) return; // chargé deux fois : on garde la première instance

  var script = document.currentScript;
  var ds = (script && script.dataset) || {};
  // Réglages : attributs data-* de la balise <script>, ou objet window.VirageWidgetConfig
  // (mêmes noms en camelCase) défini avant le script, qui a priorité.
  var ext = (window.VirageWidgetConfig && typeof window.VirageWidgetConfig === 'object') ? window.VirageWidgetConfig : {};
  function opt(name) { return ext[name] != null ? String(ext[name]) : ds[name]; }
  var scriptSrc = (script && script.src) || location.href;

  function trimSlash(s) { return String(s || '').replace(/\/+$/, ''); }
  function isOff(v) { return /^(false|0|non|no|off)$/i.test(String(v)); }

  var cfg = {
    // Serveur Rasa ; par défaut, l'origine d'où le script est servi (mandataire inverse).
    server: trimSlash(opt('server') || new URL(scriptSrc, location.href).origin),
    title: opt('title') || 'Virage',
    tagline: opt('tagline') || 'Assistant virtuel',
    subtitle: opt('subtitle') ||
      'Vos questions sur le Programme pour la transformation numérique des entreprises collectives : admissibilité, volets, montants, échéances et exemples.',
    initPayload: opt('initPayload') != null ? opt('initPayload') : '/greet',
    humanPayload: opt('humanPayload') || '/request_human',
    restartPayload: opt('restartPayload') || '/restart',
    // « session » (défaut) : la conversation suit le visiteur de page en page et au
    // rechargement, et s'efface à la fermeture de l'onglet (poste partagé, Loi 25).
    storage: opt('storage') === 'local' ? 'local' : 'session',
    transport: /^(auto|websocket|rest)$/.test(opt('transport') || '') ? opt('transport') : 'auto',
    socketPath: opt('socketPath') || '/socket.io',
    css: opt('css') || new URL('virage-widget.css', scriptSrc).href,
    accent: opt('accent') || '',
    startOpen: opt('open') != null && !isOff(opt('open')),
    replyTimeoutMs: (parseInt(opt('replyTimeout'), 10) || 15) * 1000,
    connectTimeoutMs: (parseInt(opt('connectTimeout'), 10) || 10) * 1000,
    maxMessages: 200,
    sessionTtlMs: 24 * 3600 * 1000,
    // Avis 👍/👎 sous les réponses (voir feedbackBar) ; data-feedback="off" pour les retirer.
    feedback: isOff(opt('feedback')) ? '' : (opt('feedback') || new URL('/api/avis', scriptSrc).href)
  };

  var T = {
    launcherShort: 'Une question ?',
    open: 'Une question ? Ouvrir le clavardage avec ' + cfg.title,
    close: 'Réduire la fenêtre de clavardage',
    restart: 'Recommencer',
    restartLabel: 'Recommencer la conversation',
    clearLabel: 'Effacer la conversation',
    clearTitle: 'Effacer la conversation de cet appareil (texte et session)',
    cleared: 'Conversation effacée de cet appareil. Posez une nouvelle question quand vous voulez.',
    human: 'Parler à un conseiller',
    input: 'Votre message',
    placeholder: 'Écrivez votre question…',
    send: 'Envoyer',
    you: 'Vous :',
    bot: cfg.title + ' :',
    typing: cfg.title + ' est en train de répondre…',
    quickReplies: 'Réponses suggérées',
    newTab: ' (s’ouvre dans un nouvel onglet)',
    online: 'En ligne',
    connecting: 'Connexion…',
    offline: 'Hors ligne',
    unreachable: 'Impossible de joindre ' + cfg.title + ' pour le moment. Nouvel essai automatique',
    retryIn: function (s) { return ' dans ' + s + ' s.'; },
    retrying: ' en cours…',
    retryNow: 'Réessayer maintenant',
    slowConnect: 'Le service met plus de temps que prévu à répondre. Nouvel essai en cours…',
    slowReply: 'La réponse tarde à venir. Votre message a bien été envoyé ; merci de patienter encore un peu.',
    queued: 'En attente d’envoi — il partira dès que la connexion sera rétablie.',
    disclaimer: 'Assistant automatisé : les réponses citent leurs sources. Pour un avis sur votre dossier, parlez à un conseiller. Ne transmettez pas de renseignements personnels sensibles.',
    log: 'Conversation avec ' + cfg.title
  };

  /* ------------------------------------------------------------------ état */

  var STORE_KEY = 'virage-widget:' + cfg.server;
  var memoryStore = {};
  var store = (function () {
    var s = null;
    try {
      s = cfg.storage === 'session' ? window.sessionStorage : window.localStorage;
      var probe = STORE_KEY + ':probe';
      s.setItem(probe, '1'); s.removeItem(probe);
    } catch (e) { s = null; } // stockage bloqué : la conversation vit le temps de la page
    return {
      get: function () {
        try { return JSON.parse(s ? s.getItem(STORE_KEY) : memoryStore[STORE_KEY]); } catch (e) { return null; }
      },
      set: function (v) {
        var txt = JSON.stringify(v);
        try { if (s) s.setItem(STORE_KEY, txt); else memoryStore[STORE_KEY] = txt; } catch (e) { /* quota */ }
      },
      remove: function () {
        try { if (s) s.removeItem(STORE_KEY); delete memoryStore[STORE_KEY]; } catch (e) { /* bloqué */ }
      }
    };
  })();

  // La session est donnée par le serveur (session_confirm, ou POST /webhooks/rest/session) :
  // un jeton signé qu'on garde pour reprendre la conversation après un rechargement.
  var SESSION_TOKEN = /^[A-Za-z0-9._-]{1,200}$/;

  function adoptSession(token) {
    if (typeof token !== 'string' || !SESSION_TOKEN.test(token) || token === state.sessionId) return;
    state.sessionId = token;
    save();
  }

  function freshState() {
    return { v: 1, sessionId: null, messages: [], open: false, updated: Date.now() };
  }

  function loadState() {
    var st = store.get();
    if (!st || st.v !== 1 || (st.sessionId !== null && (typeof st.sessionId !== 'string' || !SESSION_TOKEN.test(st.sessionId))) ||
        !Array.isArray(st.messages) || Date.now() - (st.updated || 0) > cfg.sessionTtlMs) {
      st = freshState();
    }
    return st;
  }

  var state = loadState();
  function save() {
    state.updated = Date.now();
    if (state.messages.length > cfg.maxMessages) state.messages = state.messages.slice(-cfg.maxMessages);
    store.set(state);
  }

  /* --------------------------------------------------------- rendu du texte */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function svgIcon(paths, size) {
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', size || 20);
    svg.setAttribute('height', size || 20);
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    paths.forEach(function (d) {
      var p = document.createElementNS(NS, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    });
    return svg;
  }

  var ICONS = {
    chat: ['M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'],
    close: ['M6 6l12 12M18 6L6 18'],
    down: ['M6 9l6 6 6-6'],
    restart: ['M4 12a8 8 0 1 0 2.34-5.66', 'M4 4v4h4'],
    trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13', 'M10 11v6M14 11v6'],
    send: ['M4 12l16-8-6 16-2.5-6.5z'],
    person: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 21c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5'],
    source: ['M6 3h9l4 4v14H6z', 'M14 3v5h5', 'M9 13h7M9 17h5'],
    alert: ['M12 3l10 18H2z', 'M12 10v5', 'M12 18v.01']
  };

  var SAFE_PROTOCOLS = { 'http:': 1, 'https:': 1, 'mailto:': 1, 'tel:': 1 };

  function safeHref(raw) {
    var href = raw;
    if (/^www\./i.test(href)) href = 'https://' + href;
    if (/^[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+$/.test(href)) href = 'mailto:' + href;
    try {
      var u = new URL(href);
      return SAFE_PROTOCOLS[u.protocol] ? u.href : null;
    } catch (e) { return null; }
  }

  function link(label, href) {
    var a = el('a', 'vw-link', label);
    a.href = href;
    if (/^https?:/.test(href)) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.appendChild(el('span', 'vw-sr', T.newTab));
    }
    return a;
  }

  // [libellé](url) | url nue | courriel | **gras**
  var TOKEN = /\[([^\]\n]{1,300})\]\(\s*((?:https?:\/\/|mailto:|tel:)[^\s()]+)\s*\)|((?:https?:\/\/|www\.)[^\s<>"'«»]+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})|\*\*([^*\n]{1,300})\*\*/g;

  function appendInline(parent, text) {
    var last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      var start = m.index, raw = m[0], node = null, tail = '';
      if (m[1] != null) {
        var h1 = safeHref(m[2]);
        node = h1 ? link(m[1], h1) : document.createTextNode(m[1]);
      } else if (m[3] != null) {
        var url = m[3];
        var t = /[.,;:!?)\]»]+$/.exec(url);
        if (t) { tail = t[0]; url = url.slice(0, -tail.length); }
        var h3 = safeHref(url);
        node = h3 ? link(url, h3) : document.createTextNode(url);
      } else if (m[4] != null) {
        var h4 = safeHref(m[4]);
        node = h4 ? link(m[4], h4) : document.createTextNode(m[4]);
      } else if (m[5] != null) {
        node = el('strong', null, m[5]);
      }
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      parent.appendChild(node);
      if (tail) parent.appendChild(document.createTextNode(tail));
      last = start + raw.length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  var SOURCE_LINE = /^\s*(?:📄\s*)?sources?\s*:/i;

  function renderText(container, text) {
    var lines = String(text).split(/\r?\n/);
    var body = el('div', 'vw-text');
    var pendingBreak = false;
    lines.forEach(function (line) {
      if (SOURCE_LINE.test(line)) {
        var src = el('p', 'vw-source');
        src.appendChild(svgIcon(ICONS.source, 14));
        var span = el('span');
        appendInline(span, line.trim());
        src.appendChild(span);
        container.appendChild(body);
        container.appendChild(src);
        body = el('div', 'vw-text');
        pendingBreak = false;
        return;
      }
      if (pendingBreak) body.appendChild(document.createElement('br'));
      appendInline(body, line);
      pendingBreak = true;
    });
    if (body.childNodes.length) container.appendChild(body);
    // retirer un bloc de texte vide laissé avant une ligne « Source »
    Array.prototype.slice.call(container.querySelectorAll('.vw-text')).forEach(function (b) {
      if (!b.textContent.trim()) b.parentNode.removeChild(b);
    });
  }

  /* ------------------------------------------------------------ interface */

  var host, root, ui = {};

  function isFullscreen() {
    return window.matchMedia && window.matchMedia('(max-width: 480px)').matches;
  }

  function button(cls, label, icon, text) {
    var b = el('button', cls);
    b.type = 'button';
    if (icon) b.appendChild(svgIcon(icon));
    if (text) b.appendChild(el('span', 'vw-btn-text', text));
    if (label) b.setAttribute('aria-label', label);
    return b;
  }

  function relativeLuminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex);
    if (!m) return null;
    var n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (c) {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }).reduce(function (acc, c, i) { return acc + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }

  function applyAccent() {
    if (!cfg.accent) return;
    var L = relativeLuminance(cfg.accent);
    // Le texte blanc sur la couleur d'accent doit rester lisible (WCAG AA : 4,5:1).
    if (L == null || 1.05 / (L + 0.05) < 4.5) {
      if (window.console) console.warn('Virage : data-accent « ' + cfg.accent + ' » ignorée (contraste insuffisant avec le blanc, WCAG AA).');
      return;
    }
    host.style.setProperty('--vw-accent', cfg.accent.charAt(0) === '#' ? cfg.accent : '#' + cfg.accent);
  }

  function build() {
    host = document.createElement('div');
    host.id = 'virage-widget';
    host.setAttribute('data-virage-widget', '');
    host.style.visibility = 'hidden'; // jusqu'au chargement de la feuille de style
    root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;

    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = cfg.css;
    var shown = false;
    function show() { if (!shown) { shown = true; host.style.visibility = ''; } }
    css.addEventListener('load', show);
    css.addEventListener('error', show);
    setTimeout(show, 3000);
    root.appendChild(css);

    var wrap = el('div', 'vw-root');

    // Bouton d'ouverture
    ui.launcher = button('vw-launcher', null, null);
    var chatIcon = svgIcon(ICONS.chat, 24);
    chatIcon.setAttribute('class', 'vw-icon-chat');
    var downIcon = svgIcon(ICONS.down, 24);
    downIcon.setAttribute('class', 'vw-icon-down');
    ui.launcher.appendChild(chatIcon);
    ui.launcher.appendChild(downIcon);
    ui.launcher.appendChild(el('span', 'vw-launcher-text', T.launcherShort));
    ui.launcher.setAttribute('aria-label', T.open);
    ui.launcher.setAttribute('aria-expanded', 'false');
    ui.launcher.setAttribute('aria-controls', 'vw-panel');

    // Fenêtre
    ui.panel = el('section', 'vw-panel');
    ui.panel.id = 'vw-panel';
    ui.panel.setAttribute('role', 'dialog');
    ui.panel.setAttribute('aria-labelledby', 'vw-title');
    ui.panel.setAttribute('aria-describedby', 'vw-subtitle');
    ui.panel.hidden = true;

    var header = el('header', 'vw-header');
    var avatar = el('div', 'vw-avatar');
    avatar.setAttribute('aria-hidden', 'true');
    avatar.textContent = cfg.title.charAt(0).toUpperCase();
    var heading = el('div', 'vw-heading');
    var titleRow = el('div', 'vw-title-row');
    var title = el('h2', 'vw-title', cfg.title);
    title.id = 'vw-title';
    ui.status = el('span', 'vw-status', T.connecting);
    ui.status.setAttribute('data-state', 'connecting');
    titleRow.appendChild(title);
    titleRow.appendChild(ui.status);
    var subtitle = el('p', 'vw-subtitle', cfg.subtitle);
    subtitle.id = 'vw-subtitle';
    heading.appendChild(titleRow);
    heading.appendChild(el('p', 'vw-tagline', cfg.tagline));
    var actions = el('div', 'vw-header-actions');
    ui.restart = button('vw-icon-btn vw-restart', T.restartLabel, ICONS.restart);
    ui.restart.title = T.restartLabel;
    ui.close = button('vw-icon-btn vw-close', T.close, ICONS.close);
    ui.close.title = T.close;
    actions.appendChild(ui.restart);
    actions.appendChild(buildClearButton());
    actions.appendChild(ui.close);
    header.appendChild(avatar);
    header.appendChild(heading);
    header.appendChild(actions);
    header.appendChild(subtitle);

    ui.banner = el('div', 'vw-banner');
    ui.banner.setAttribute('role', 'alert');
    ui.bannerText = el('span', 'vw-banner-text');
    ui.bannerCountdown = el('span', 'vw-banner-countdown');
    ui.bannerCountdown.setAttribute('aria-hidden', 'true');
    ui.retry = button('vw-banner-btn', null, null, T.retryNow);
    var bannerMsg = el('p', 'vw-banner-msg');
    bannerMsg.appendChild(svgIcon(ICONS.alert, 18));
    var bannerTextWrap = el('span');
    bannerTextWrap.appendChild(ui.bannerText);
    bannerTextWrap.appendChild(ui.bannerCountdown);
    bannerMsg.appendChild(bannerTextWrap);
    ui.banner.appendChild(bannerMsg);
    ui.banner.appendChild(ui.retry);
    ui.banner.hidden = true;

    ui.scroller = el('div', 'vw-scroller');
    var intro = el('p', 'vw-disclaimer', T.disclaimer);
    ui.log = el('div', 'vw-log');
    ui.log.setAttribute('role', 'log');
    ui.log.setAttribute('aria-live', 'polite');
    ui.log.setAttribute('aria-label', T.log);
    ui.typing = el('div', 'vw-msg vw-msg-bot vw-typing');
    ui.typing.setAttribute('role', 'status');
    var dots = el('div', 'vw-bubble vw-dots');
    dots.setAttribute('aria-hidden', 'true');
    dots.appendChild(el('span')); dots.appendChild(el('span')); dots.appendChild(el('span'));
    ui.typingText = el('span', 'vw-sr');
    ui.typing.appendChild(dots);
    ui.typing.appendChild(ui.typingText);
    ui.typing.hidden = true;
    ui.notice = el('p', 'vw-notice');
    ui.notice.setAttribute('role', 'status');
    ui.notice.hidden = true;
    ui.scroller.appendChild(intro);
    ui.scroller.appendChild(ui.log);
    ui.scroller.appendChild(ui.typing);
    ui.scroller.appendChild(ui.notice);

    var footer = el('div', 'vw-footer');
    var tools = el('div', 'vw-tools');
    ui.human = button('vw-chip vw-human', null, ICONS.person, T.human);
    tools.appendChild(ui.human);
    ui.form = el('form', 'vw-form');
    ui.form.setAttribute('novalidate', '');
    var label = el('label', 'vw-sr', T.input);
    label.htmlFor = 'vw-input';
    ui.input = el('input', 'vw-input');
    ui.input.id = 'vw-input';
    ui.input.type = 'text';
    ui.input.autocomplete = 'off';
    ui.input.maxLength = 1000;
    ui.input.placeholder = T.placeholder;
    ui.input.setAttribute('enterkeyhint', 'send');
    ui.sendBtn = button('vw-send', T.send, ICONS.send);
    ui.sendBtn.type = 'submit';
    ui.form.appendChild(label);
    ui.form.appendChild(ui.input);
    ui.form.appendChild(ui.sendBtn);
    footer.appendChild(tools);
    footer.appendChild(ui.form);

    ui.panel.appendChild(header);
    ui.panel.appendChild(ui.banner);
    ui.panel.appendChild(ui.scroller);
    ui.panel.appendChild(footer);

    wrap.appendChild(ui.panel);
    wrap.appendChild(ui.launcher);
    root.appendChild(wrap);
    document.body.appendChild(host);
    applyAccent();

    // Événements
    ui.launcher.addEventListener('click', function () { setOpen(!isOpen); });
    ui.close.addEventListener('click', function () { setOpen(false); });
    ui.restart.addEventListener('click', restartConversation);
    ui.human.addEventListener('click', function () { sendUser(T.human, cfg.humanPayload); });
    ui.retry.addEventListener('click', function () { conn.retryNow(); });
    ui.form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var text = ui.input.value.trim();
      if (!text) { ui.input.focus(); return; }
      ui.input.value = '';
      sendUser(text, text);
      ui.input.focus();
    });
    ui.panel.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape' || ev.key === 'Esc') { ev.preventDefault(); setOpen(false); }
      else if (ev.key === 'Tab' && isFullscreen()) trapFocus(ev);
    });
    // Tout élément de la page partenaire portant data-virage-open ouvre le widget.
    document.addEventListener('click', function (ev) {
      var t = ev.target && ev.target.closest && ev.target.closest('[data-virage-open]');
      if (t) { ev.preventDefault(); setOpen(true); }
    });
    // Conversation ouverte dans un autre onglet du même site : on se resynchronise.
    window.addEventListener('storage', function (ev) {
      if (ev.key !== STORE_KEY || cfg.storage !== 'local') return;
      var st = store.get();
      if (st && st.sessionId) {
        var changedSession = st.sessionId !== state.sessionId;
        state = st;
        renderAll();
        if (changedSession) conn.reconnect();
      }
    });
  }

  function focusables() {
    return Array.prototype.filter.call(
      ui.panel.querySelectorAll('button, input, a[href], [tabindex]:not([tabindex="-1"])'),
      function (e) { return !e.disabled && !e.closest('[hidden]') && e.getClientRects().length; });
  }

  function trapFocus(ev) {
    var f = focusables();
    if (!f.length) return;
    var first = f[0], last = f[f.length - 1], active = root.activeElement;
    if (ev.shiftKey && active === first) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && active === last) { ev.preventDefault(); first.focus(); }
  }

  var isOpen = false;
  function setOpen(open, opts) {
    opts = opts || {};
    isOpen = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    ui.launcher.setAttribute('aria-label', open ? T.close : T.open);
    host.classList.toggle('vw-is-open', open);
    ui.panel.setAttribute('aria-modal', open && isFullscreen() ? 'true' : 'false');
    root.querySelector('.vw-root').classList.toggle('vw-open', open);
    if (state.open !== open) { state.open = open; save(); }
    if (open) {
      conn.start();
      if (!state.messages.length) sendInit();
      scrollToEnd();
      if (!opts.noFocus) ui.input.focus();
    } else if (!opts.noFocus) {
      ui.launcher.focus();
    }
  }

  function scrollToEnd() {
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  }

  function renderMessage(m, index) {
    var row = el('div', 'vw-msg ' + (m.from === 'user' ? 'vw-msg-user' : 'vw-msg-bot'));
    var bubble = el('div', 'vw-bubble');
    bubble.appendChild(el('span', 'vw-sr', m.from === 'user' ? T.you : T.bot));
    if (m.from === 'user') {
      bubble.appendChild(el('div', 'vw-text', m.text)); // texte brut, toujours
    } else {
      renderText(bubble, m.text || '');
      if (m.image) {
        var h = safeHref(m.image);
        if (h && /^https?:/.test(h)) {
          var p = el('p', 'vw-text');
          p.appendChild(link('Voir l’image', h));
          bubble.appendChild(p);
        }
      }
    }
    if (m.queued) {
      row.classList.add('vw-queued');
      bubble.appendChild(el('p', 'vw-queued-note', T.queued));
    }
    row.appendChild(bubble);
    if (wantsFeedback(m)) row.appendChild(feedbackBar(m));
    var prev = state.messages[index - 1];
    if (prev && prev.from === m.from) row.classList.add('vw-cont');

    if (m.from === 'bot' && m.buttons && m.buttons.length && !m.used) {
      var group = el('div', 'vw-quick-replies');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', T.quickReplies);
      m.buttons.forEach(function (b) {
        var qb = button('vw-quick-reply', null, null, b.title);
        qb.addEventListener('click', function () { sendUser(b.title, b.payload); });
        group.appendChild(qb);
      });
      row.appendChild(group);
    }
    return row;
  }

  /* ------------------------------------------- avis des visiteurs (👍/👎) */

  var FB = {
    ask: 'Cette réponse vous aide-t-elle ?',
    up: 'Oui, réponse utile',
    down: 'Non, réponse pas utile',
    why: 'Qu’est-ce qui n’allait pas ?',
    reasons: [['wrong', 'Réponse erronée'], ['incomplete', 'Incomplète'], ['not_understood', 'Question mal comprise'], ['other', 'Autre']],
    comment: 'Commentaire (facultatif, sans renseignements personnels)',
    send: 'Envoyer',
    thanks: 'Merci pour votre avis.',
    failed: 'Avis non envoyé. Réessayez.'
  };

  // Une réponse : un message du bot qui cite sa source, ou assez long pour en être une.
  function wantsFeedback(m) {
    if (!cfg.feedback || m.from !== 'bot' || !m.text) return false;
    return m.text.split(/\r?\n/).some(function (l) { return SOURCE_LINE.test(l); }) || m.text.length >= 80;
  }

  function feedbackBar(m) {
    var bar = el('div', 'vw-feedback');
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', FB.ask);
    if (m.rated) { bar.appendChild(el('p', 'vw-feedback-done', FB.thanks)); return bar; }
    bar.appendChild(el('span', 'vw-feedback-ask', FB.ask));
    var up = button('vw-feedback-btn vw-feedback-up', FB.up, null, '👍');
    var down = button('vw-feedback-btn vw-feedback-down', FB.down, null, '👎');
    up.addEventListener('click', function () { sendFeedback(m, bar, 'up', null, null); });
    down.addEventListener('click', function () { askWhy(m, bar); });
    bar.appendChild(up);
    bar.appendChild(down);
    return bar;
  }

  function askWhy(m, bar) {
    while (bar.firstChild) bar.removeChild(bar.firstChild);
    var form = el('form', 'vw-feedback-form');
    form.appendChild(el('p', 'vw-feedback-ask', FB.why));
    var chosen = null;
    var choices = el('div', 'vw-feedback-reasons');
    FB.reasons.forEach(function (r) {
      var b = button('vw-feedback-reason', null, null, r[1]);
      b.type = 'button';
      b.setAttribute('aria-pressed', 'false');
      b.dataset.reason = r[0];
      b.addEventListener('click', function () {
        chosen = r[0];
        Array.prototype.forEach.call(choices.children, function (c) { c.setAttribute('aria-pressed', String(c === b)); });
      });
      choices.appendChild(b);
    });
    form.appendChild(choices);
    var comment = el('input', 'vw-feedback-comment');
    comment.type = 'text';
    comment.maxLength = 500;
    comment.placeholder = FB.comment;
    comment.setAttribute('aria-label', FB.comment);
    form.appendChild(comment);
    var send = button('vw-feedback-send', null, null, FB.send);
    send.type = 'submit';
    form.appendChild(send);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      sendFeedback(m, bar, 'down', chosen, comment.value);
    });
    bar.appendChild(form);
  }

  function sendFeedback(m, bar, rating, reason, comment) {
    var body = JSON.stringify({ sender: state.sessionId, answer: m.text, rating: rating, reason: reason, comment: comment || null });
    fetch(cfg.feedback, { method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: body, credentials: 'omit', mode: 'cors' })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        m.rated = rating;
        save();
        while (bar.firstChild) bar.removeChild(bar.firstChild);
        bar.appendChild(el('p', 'vw-feedback-done', FB.thanks));
      })
      .catch(function () {
        var old = bar.querySelector('.vw-feedback-error');
        if (!old) bar.appendChild(el('p', 'vw-feedback-error', FB.failed));
      });
  }

  function renderAll() {
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    state.messages.forEach(function (m, i) { ui.log.appendChild(renderMessage(m, i)); });
    scrollToEnd();
  }

  function appendMessage(m) {
    // Les suggestions disparaissent dès que le visiteur répond (bouton ou texte).
    var hadButtons = false;
    if (m.from === 'user') {
      state.messages.forEach(function (x) { if (x.buttons && x.buttons.length && !x.used) { x.used = true; hadButtons = true; } });
    }
    if (hadButtons) {
      Array.prototype.forEach.call(ui.log.querySelectorAll('.vw-quick-replies'), function (g) {
        var focusWasInside = g.contains(root.activeElement);
        g.parentNode.removeChild(g);
        if (focusWasInside) ui.input.focus();
      });
    }
    state.messages.push(m);
    save();
    var row = renderMessage(m, state.messages.length - 1);
    ui.log.appendChild(row);
    scrollToEnd();
    return row;
  }

  /* --------------------------------------------------- attente et erreurs */

  var replyTimer = null, awaitingReply = false;

  function setTyping(on) {
    awaitingReply = on;
    ui.typing.hidden = !on;
    ui.typingText.textContent = on ? T.typing : '';
    clearTimeout(replyTimer);
    if (on) {
      hideNotice();
      replyTimer = setTimeout(function () { showNotice(T.slowReply); }, cfg.replyTimeoutMs);
      scrollToEnd();
    }
  }

  function showNotice(text) { ui.notice.textContent = text; ui.notice.hidden = false; scrollToEnd(); }
  function hideNotice() { ui.notice.hidden = true; ui.notice.textContent = ''; }

  var countdownTimer = null;
  function showBanner(text, retryAt) {
    if (ui.bannerText.textContent !== text) ui.bannerText.textContent = text;
    ui.banner.hidden = false;
    clearInterval(countdownTimer);
    function tick() {
      var s = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      ui.bannerCountdown.textContent = retryAt && s > 0 ? T.retryIn(s) : T.retrying;
    }
    tick();
    if (retryAt) countdownTimer = setInterval(tick, 1000);
  }
  function hideBanner() {
    clearInterval(countdownTimer);
    ui.banner.hidden = true;
    ui.bannerText.textContent = '';
  }

  function setStatus(s) {
    ui.status.setAttribute('data-state', s);
    ui.status.textContent = s === 'online' ? T.online : s === 'offline' ? T.offline : T.connecting;
  }

  /* --------------------------------------------------------------- envoi */

  var outbox = []; // messages en attente de connexion : {text, payload, msg}

  function sendUser(text, payload) {
    var msg = { from: 'user', text: text };
    if (!conn.ready()) msg.queued = true;
    appendMessage(msg);
    deliver({ payload: payload, msg: msg });
  }

  var initSent = false;
  function sendInit() {
    if (initSent || !cfg.initPayload) return;
    initSent = true;
    sendSilent(cfg.initPayload);
  }

  function sendSilent(payload) {
    deliver({ payload: payload, msg: null });
  }

  function deliver(item) {
    if (conn.ready()) {
      setTyping(true);
      conn.send(item.payload);
    } else {
      outbox.push(item);
      conn.start();
    }
  }

  function flushOutbox() {
    var items = outbox.splice(0);
    var changed = false;
    items.forEach(function (item) {
      if (item.msg && item.msg.queued) { delete item.msg.queued; changed = true; }
      setTyping(true);
      conn.send(item.payload);
    });
    if (changed) { save(); renderAll(); }
  }

  function restartConversation() {
    outbox = [];
    setTyping(false);
    hideNotice();
    state.messages = [];
    save();
    renderAll();
    sendSilent(cfg.restartPayload); // réinitialise aussi le suivi côté serveur
    initSent = false;
    sendInit();
    ui.input.focus();
  }

  function onBotMessage(data) {
    if (!data || typeof data !== 'object') return;
    // Autre onglet du même site en arrière-plan : l'onglet actif enregistre la réponse.
    if (!awaitingReply && document.hidden) return;
    var text = typeof data.text === 'string' ? data.text : '';
    var raw = Array.isArray(data.quick_replies) ? data.quick_replies
      : Array.isArray(data.buttons) ? data.buttons : [];
    var buttons = raw.filter(function (b) { return b && typeof b.title === 'string' && b.title.trim(); })
      .map(function (b) { return { title: b.title, payload: typeof b.payload === 'string' ? b.payload : b.title }; });
    var image = data.image || (data.attachment && data.attachment.payload && data.attachment.payload.src) || null;
    if (!text && !buttons.length && !image) return;
    setTyping(false);
    hideNotice();
    var shown = { from: 'bot', text: text, buttons: buttons, image: typeof image === 'string' ? image : null };
    if (isDeletionConfirmation(text)) { forgetLocalConversation(shown); return; }
    appendMessage(shown);
  }

  /* ------------------------------------- effacer la conversation (Loi 25) */

  // « supprimer mes données » : le bot confirme par cette phrase (actions/leads.py, ActionForgetMe)
  // une fois la conversation et les fiches effacées côté serveur ; le widget efface alors aussi
  // ce qu'il garde (fil et jeton de session dans le stockage du navigateur).
  var DELETION_CONFIRMED = 'Nous ne conservons plus rien de cet échange.';

  function isDeletionConfirmation(text) {
    return typeof text === 'string' && text.indexOf(DELETION_CONFIRMED) !== -1;
  }

  function buildClearButton() {
    ui.clear = button('vw-icon-btn vw-clear', T.clearLabel, ICONS.trash);
    ui.clear.title = T.clearTitle;
    ui.clear.addEventListener('click', function () {
      forgetLocalConversation({ from: 'bot', text: T.cleared, buttons: [], image: null });
      ui.input.focus();
    });
    return ui.clear;
  }

  // Oublie le fil et la session de cet appareil, puis demande une nouvelle session au serveur :
  // la conversation effacée n'est plus joignable depuis ce navigateur. `notice` (facultatif) est
  // le seul message affiché ensuite ; il ne contient rien de personnel.
  function forgetLocalConversation(notice) {
    outbox = [];
    setTyping(false);
    hideNotice();
    store.remove();
    var wasOpen = state.open;
    state = freshState();
    state.open = wasOpen;
    if (notice) state.messages.push(notice);
    save();
    renderAll();
    initSent = true; // pas de nouvel accueil automatique : le visiteur vient de tout effacer
    conn.renewSession();
  }

  /* ---------------------------------------------------------- connexion */

  // Client Engine.IO v4 / Socket.IO v5 minimal, sur WebSocket. Paquets utilisés :
  //   Engine.IO : 0 open, 1 close, 2 ping, 3 pong, 4 message, 6 noop
  //   Socket.IO (dans un message 4) : 0 connect, 1 disconnect, 2 event, 4 connect_error
  function SocketIOConnection(handlers) {
    var ws = null, stopped = true, ready = false, attempt = 0;
    var heartbeat = null, connectTimer = null, retryTimer = null, pingDeadline = 45000;

    function url() {
      return cfg.server.replace(/^http/i, 'ws') + cfg.socketPath.replace(/\/?$/, '/') + '?EIO=4&transport=websocket';
    }
    function armHeartbeat() {
      clearTimeout(heartbeat);
      heartbeat = setTimeout(function () { fail('heartbeat'); }, pingDeadline);
    }
    function cleanup() {
      clearTimeout(heartbeat); clearTimeout(connectTimer);
      if (ws) { ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null; try { ws.close(); } catch (e) { /* déjà fermé */ } }
      ws = null; ready = false;
    }
    function fail(reason) {
      if (stopped) return;
      var wasReady = ready;
      cleanup();
      attempt += 1;
      var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(attempt - 1, 5)));
      handlers.onDown(reason, attempt, Date.now() + delay, wasReady);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, delay);
    }
    function emit(event, data) {
      if (ws && ws.readyState === 1) ws.send('42' + JSON.stringify([event, data]));
    }
    function onPacket(p) {
      var type = p.charAt(0);
      if (type === '0') {
        var info = {};
        try { info = JSON.parse(p.slice(1)); } catch (e) { /* valeurs par défaut */ }
        pingDeadline = (info.pingInterval || 25000) + (info.pingTimeout || 20000);
        armHeartbeat();
        ws.send('40');
      } else if (type === '2') {
        armHeartbeat();
        ws.send('3' + p.slice(1));
      } else if (type === '1') {
        fail('server-close');
      } else if (type === '4') {
        var sio = p.charAt(1), rest = p.slice(2);
        if (sio === '0') {
          emit('session_request', { session_id: state.sessionId });
        } else if (sio === '2') {
          var json = rest.replace(/^\d+/, ''); // identifiant d'accusé éventuel
          var ev;
          try { ev = JSON.parse(json); } catch (e) { return; }
          if (!Array.isArray(ev)) return;
          if (ev[0] === 'session_confirm') {
            adoptSession(ev[1]);
            clearTimeout(connectTimer);
            ready = true; attempt = 0;
            handlers.onUp();
          } else if (ev[0] === 'bot_uttered') {
            handlers.onMessage(ev[1]);
          }
        } else if (sio === '1' || sio === '4') {
          fail('refused');
        }
      }
    }
    function open() {
      if (stopped) return;
      cleanup();
      clearTimeout(retryTimer);
      handlers.onConnecting(attempt);
      try { ws = new WebSocket(url()); } catch (e) { fail('ws-error'); return; }
      connectTimer = setTimeout(function () { fail('timeout'); }, cfg.connectTimeoutMs);
      ws.onmessage = function (ev) { if (typeof ev.data === 'string') onPacket(ev.data); };
      ws.onerror = function () { fail('ws-error'); };
      ws.onclose = function () { fail('ws-close'); };
    }
    return {
      name: 'websocket',
      start: function () { if (stopped) { stopped = false; open(); } },
      stop: function () { stopped = true; clearTimeout(retryTimer); cleanup(); },
      retryNow: function () { if (!ready) { stopped = false; attempt = Math.max(0, attempt - 1); open(); } },
      reconnect: function () { if (!stopped) open(); },
      ready: function () { return ready; },
      renewSession: function () { if (ready) emit('session_request', { session_id: null }); },
      send: function (text) { emit('user_uttered', { message: text, session_id: state.sessionId }); }
    };
  }

  // Repli : canal REST de Rasa (même identifiant de conversation, réponses en bloc).
  function RestConnection(handlers) {
    var stopped = true, ready = false, attempt = 0, retryTimer = null, inflight = 0;
    var endpoint = cfg.server + '/webhooks/rest/webhook';

    function timeoutFetch(url, opts, ms) {
      var ctrl = window.AbortController ? new AbortController() : null;
      var t = setTimeout(function () { if (ctrl) ctrl.abort(); }, ms);
      if (ctrl) opts.signal = ctrl.signal;
      return fetch(url, opts).then(function (r) { clearTimeout(t); return r; },
        function (e) { clearTimeout(t); throw e; });
    }
    function down(reason) {
      if (stopped) return;
      var wasReady = ready;
      ready = false;
      attempt += 1;
      var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(attempt - 1, 5)));
      handlers.onDown(reason, attempt, Date.now() + delay, wasReady);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(probe, delay);
    }
    // Ouvre (ou reprend, avec le jeton gardé) la session auprès du serveur.
    function probe() {
      if (stopped) return;
      handlers.onConnecting(attempt);
      timeoutFetch(cfg.server + '/webhooks/rest/session', {
        method: 'POST', mode: 'cors', credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ session_id: state.sessionId })
      }, cfg.connectTimeoutMs)
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (body) {
          adoptSession(body && body.session_id);
          if (!state.sessionId) throw new Error('session');
          ready = true; attempt = 0; handlers.onUp();
        })
        .catch(function () { down('probe'); });
    }
    return {
      name: 'rest',
      start: function () { if (stopped) { stopped = false; probe(); } },
      stop: function () { stopped = true; clearTimeout(retryTimer); ready = false; },
      retryNow: function () { if (!ready) { stopped = false; clearTimeout(retryTimer); probe(); } },
      reconnect: function () { },
      ready: function () { return ready; },
      renewSession: function () { if (ready) { ready = false; probe(); } },
      send: function (text) {
        inflight += 1;
        timeoutFetch(endpoint, {
          method: 'POST', mode: 'cors', credentials: 'omit',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sender: state.sessionId, message: text })
        }, cfg.replyTimeoutMs * 3).then(function (r) {
          // Refus expliqué par le serveur (trop de messages, message illisible…) : on le montre.
          if (r.status >= 400 && r.status < 500 && r.status !== 404) {
            return r.json().then(function (body) {
              return [{ text: body && typeof body.message === 'string' ? body.message : '' }];
            });
          }
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        }).then(function (list) {
          inflight -= 1;
          (Array.isArray(list) ? list : []).forEach(handlers.onMessage);
          if (!inflight) handlers.onIdle();
        }).catch(function () {
          inflight -= 1;
          handlers.onIdle();
          down('send');
        });
      }
    };
  }

  // Choix du transport : WebSocket d'abord ; en mode « auto », si le WebSocket
  // échoue deux fois alors que le serveur répond en HTTP, on passe au REST.
  var conn = (function () {
    var current = null, wsFailures = 0, everUp = false;
    var handlers = {
      onConnecting: function () { if (!current || !current.ready()) setStatus('connecting'); },
      onUp: function () {
        everUp = true; wsFailures = 0;
        setStatus('online');
        hideBanner();
        flushOutbox();
      },
      onDown: function (reason, attempt, retryAt, wasReady) {
        setStatus('offline');
        if (awaitingReply) setTyping(false);
        if (reason === 'timeout') showBanner(T.slowConnect, retryAt);
        else showBanner(T.unreachable, retryAt);
        if (current && current.name === 'websocket' && cfg.transport === 'auto' && !everUp) {
          wsFailures += 1;
          if (wsFailures >= 2) switchToRest();
        }
      },
      onMessage: onBotMessage,
      onIdle: function () { if (awaitingReply) setTyping(false); }
    };
    function switchToRest() {
      // Le serveur répond-il en HTTP ? Alors seuls les WebSockets sont bloqués.
      fetch(cfg.server + '/', { mode: 'cors', credentials: 'omit' }).then(function (r) {
        if (!r.ok || current.name !== 'websocket' || current.ready()) return;
        current.stop();
        current = RestConnection(handlers);
        current.start();
      }).catch(function () { /* serveur injoignable : on continue d'essayer le WebSocket */ });
    }
    function pick() {
      if (!current) current = cfg.transport === 'rest' ? RestConnection(handlers) : SocketIOConnection(handlers);
      return current;
    }
    return {
      start: function () { pick().start(); },
      ready: function () { return !!current && current.ready(); },
      send: function (t) { pick().send(t); },
      retryNow: function () { pick().retryNow(); },
      reconnect: function () { if (current) current.reconnect(); },
      renewSession: function () { if (current) current.renewSession(); },
      transport: function () { return current ? current.name : null; }
    };
  })();

  /* ------------------------------------------------------------ démarrage */

  function init() {
    build();
    renderAll();
    if (state.open || cfg.startOpen) setOpen(true, { noFocus: true });
    else if (state.messages.length) conn.start(); // conversation en cours : rester joignable
    window.VirageWidget = {
      open: function () { setOpen(true); },
      close: function () { setOpen(false); },
      send: function (text) { if (text) sendUser(String(text), String(text)); },
      restart: restartConversation,
      clear: function () { forgetLocalConversation({ from: 'bot', text: T.cleared, buttons: [], image: null }); },
      transport: function () { return conn.transport(); },
      version: '1.0.0'
    };
  }

  window.VirageWidget = { pending: true };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
