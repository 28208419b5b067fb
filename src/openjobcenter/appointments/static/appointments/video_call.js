// The built-in one-to-one video call (appointments/video_join.html).
// Media flows directly between the two browsers (RTCPeerConnection); offer, answer and
// ICE candidates go through the platform's WebSocket (/ws/video/<room>/). The staff
// member's browser makes the offer whenever the other side is (again) present, so a
// reload on either side simply renegotiates. Texts come from data-text-* attributes
// (translated on the server); status changes are announced in an aria-live region.
(function () {
  "use strict";

  // The "too early" page reloads itself when the room opens (at most one day ahead).
  var early = document.querySelector("[data-reload-in]");
  if (early) {
    var seconds = parseInt(early.getAttribute("data-reload-in"), 10);
    if (seconds > 0 && seconds < 86400) {
      window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
  }

  var root = document.querySelector("[data-video-call]");
  if (!root) {
    return;
  }
  var statusEl = root.querySelector("[data-status]");
  var mediaNote = root.querySelector("[data-media-note]");
  var localVideo = root.querySelector("[data-local-video]");
  var remoteVideo = root.querySelector("[data-remote-video]");
  var buttons = {
    join: root.querySelector("[data-action=join]"),
    mute: root.querySelector("[data-action=mute]"),
    camera: root.querySelector("[data-action=camera]"),
    leave: root.querySelector("[data-action=leave]")
  };
  var isOfferer = root.getAttribute("data-role") === "staff";
  var iceServers = [];
  try {
    iceServers = JSON.parse(root.getAttribute("data-ice-servers") || "[]");
  } catch (error) {
    iceServers = [];
  }

  function text(name) {
    return root.getAttribute("data-text-" + name) || "";
  }
  function setStatus(name) {
    statusEl.textContent = text(name);
  }
  function setState(state) {
    root.setAttribute("data-connection-state", state);
  }

  if (!window.RTCPeerConnection || !window.WebSocket || !navigator.mediaDevices) {
    return; // the server-rendered text already says what is needed
  }

  var pc = null;
  var ws = null;
  var localStream = null;
  var pending = [];
  var queue = Promise.resolve();
  var leaving = false;
  var opened = false;
  var retries = 0;

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message));
    }
  }

  function closePeer() {
    if (pc) {
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
      pc = null;
    }
    pending = [];
    remoteVideo.srcObject = null;
    setState("new");
  }

  function newPeer() {
    closePeer();
    pc = new RTCPeerConnection({ iceServers: iceServers });
    if (localStream) {
      localStream.getTracks().forEach(function (track) {
        pc.addTrack(track, localStream);
      });
    } else if (isOfferer) {
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
    }
    pc.onicecandidate = function (event) {
      send({ type: "ice", candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    pc.ontrack = function (event) {
      remoteVideo.srcObject = event.streams[0] || new MediaStream([event.track]);
    };
    pc.onconnectionstatechange = function () {
      var state = pc.connectionState;
      setState(state);
      if (state === "connected") {
        setStatus("connected");
      } else if (state === "disconnected") {
        setStatus("interrupted");
      } else if (state === "failed") {
        setStatus("failed");
      }
    };
    return pc;
  }

  function flushPending() {
    var candidates = pending;
    pending = [];
    return candidates.reduce(function (chain, candidate) {
      return chain.then(function () {
        return pc.addIceCandidate(candidate).catch(function () {});
      });
    }, Promise.resolve());
  }

  // Offers are numbered; an answer to a superseded offer is dropped. (Both sides may
  // learn twice that the other is there, and then the staff side offers twice.)
  var offerId = 0;

  function makeOffer() {
    setStatus("connecting");
    offerId += 1;
    var id = offerId;
    newPeer();
    return pc.createOffer().then(function (offer) {
      return pc.setLocalDescription(offer);
    }).then(function () {
      send({ type: "offer", sdp: pc.localDescription.sdp, id: id });
    });
  }

  function takeOffer(sdp, id) {
    setStatus("connecting");
    newPeer();
    return pc.setRemoteDescription({ type: "offer", sdp: sdp })
      .then(flushPending)
      .then(function () { return pc.createAnswer(); })
      .then(function (answer) { return pc.setLocalDescription(answer); })
      .then(function () { send({ type: "answer", sdp: pc.localDescription.sdp, id: id }); });
  }

  function takeAnswer(sdp, id) {
    if (!pc || id !== offerId || pc.signalingState !== "have-local-offer") {
      return Promise.resolve();
    }
    return pc.setRemoteDescription({ type: "answer", sdp: sdp }).then(flushPending);
  }

  function takeCandidate(candidate) {
    if (!candidate) {
      return Promise.resolve();
    }
    if (!pc || !pc.remoteDescription) {
      pending.push(candidate);
      return Promise.resolve();
    }
    return pc.addIceCandidate(candidate).catch(function () {});
  }

  function handle(message) {
    switch (message.type) {
      case "peer-joined":
      case "peer-present":
        if (isOfferer) {
          return makeOffer();
        }
        // The customer's side waits for the offer; an offer replaces any old call.
        if (!pc) {
          setStatus("connecting");
        }
        return Promise.resolve();
      case "offer":
        return isOfferer ? Promise.resolve() : takeOffer(message.sdp, message.id);
      case "answer":
        return isOfferer ? takeAnswer(message.sdp, message.id) : Promise.resolve();
      case "ice":
        return takeCandidate(message.candidate);
      case "peer-left":
      case "bye":
        closePeer();
        setStatus("peer-left");
        return Promise.resolve();
      case "replaced":
        stop("replaced");
        return Promise.resolve();
      case "ended":
        stop("ended");
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws-path"));
    ws.onopen = function () {
      opened = true;
      retries = 0;
      setStatus("waiting");
    };
    ws.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      // One message after the other: an answer must not overtake its offer.
      queue = queue.then(function () { return handle(message); }).catch(function () {
        setStatus("failed");
      });
    };
    ws.onclose = function (event) {
      ws = null;
      if (leaving) {
        return;
      }
      // 4401: the session has ended (logout, idle or absolute time). Let go of camera
      // and microphone, then reload: the page shows the login.
      if (event.code === 4401) {
        stop("left");
        window.location.reload();
        return;
      }
      if (event.code === 4409) {
        stop("replaced");
      } else if (event.code === 4410) {
        stop("ended");
      } else if (!opened || retries >= 5) {
        stop("refused");
      } else {
        // The network dropped: try again; the other side renegotiates when we are back.
        retries += 1;
        setStatus("interrupted");
        window.setTimeout(connect, 1000 * retries);
      }
    };
  }

  function showControls(joined) {
    buttons.join.hidden = joined;
    buttons.mute.hidden = !joined || !localStream || localStream.getAudioTracks().length === 0;
    buttons.camera.hidden = !joined || !localStream || localStream.getVideoTracks().length === 0;
    buttons.leave.hidden = !joined;
  }

  function stop(statusName) {
    leaving = true;
    send({ type: "bye" });
    closePeer();
    if (ws) {
      ws.close();
      ws = null;
    }
    if (localStream) {
      localStream.getTracks().forEach(function (track) { track.stop(); });
      localStream = null;
    }
    localVideo.srcObject = null;
    showControls(false);
    buttons.join.hidden = true;
    setStatus(statusName);
  }

  function getMedia() {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: true })
      .catch(function () {
        return navigator.mediaDevices.getUserMedia({ audio: true });
      })
      .catch(function () {
        return null;
      });
  }

  // "Mikrofon aus" pressed = the microphone is off; the label stays, the state is
  // aria-pressed (a changing label would confuse screen readers).
  function toggle(kind, button) {
    if (!localStream) {
      return;
    }
    var tracks = kind === "audio" ? localStream.getAudioTracks() : localStream.getVideoTracks();
    var off = button.getAttribute("aria-pressed") !== "true";
    tracks.forEach(function (track) { track.enabled = !off; });
    button.setAttribute("aria-pressed", off ? "true" : "false");
  }

  buttons.join.addEventListener("click", function () {
    buttons.join.disabled = true;
    setStatus("media");
    getMedia().then(function (stream) {
      localStream = stream;
      if (stream) {
        localVideo.srcObject = stream;
      } else {
        mediaNote.hidden = false;
      }
      buttons.join.disabled = false;
      showControls(true);
      connect();
    });
  });
  buttons.mute.addEventListener("click", function () {
    toggle("audio", buttons.mute);
  });
  buttons.camera.addEventListener("click", function () {
    toggle("video", buttons.camera);
  });
  buttons.leave.addEventListener("click", function () {
    stop("left");
  });
  window.addEventListener("pagehide", function () {
    if (!leaving) {
      leaving = true;
      send({ type: "bye" });
    }
  });

  buttons.join.hidden = false;
  setStatus("ready");
}());
