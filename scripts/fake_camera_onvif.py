"""The fake camera's ONVIF services, for tests and for trying Nightjar's ONVIF support (see fake-camera --onvif-port).

A small SOAP 1.2 responder on HTTP, answering as real cameras do: the device service (GetSystemDateAndTime without a
password; GetDeviceInformation, GetServices, GetCapabilities) and Media 1 (GetProfiles with a main and a sub profile,
GetStreamUri, GetSnapshotUri), and with a Ptz a PTZ service (ContinuousMove, Stop, GetPresets, GotoPreset, GetStatus)
whose position the picture shows. With a user and password every call but the clock needs a WS-Security UsernameToken
password digest made within 10 s of the camera's own clock, which --onvif-clock-offset moves (as a camera whose clock
was never set). Requests with a DTD are refused, as a careful camera would. On a network (not loopback) it also
answers WS-Discovery probes for network video transmitters with a ProbeMatch naming its device service.
"""
import base64
import datetime
import hashlib
import http.server
import socket
import threading
import uuid
import time
import xml.etree.ElementTree as ElementTree

SOAP = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DEVICE = "http://www.onvif.org/ver10/device/wsdl"
MEDIA = "http://www.onvif.org/ver10/media/wsdl"
SCHEMA = "http://www.onvif.org/ver10/schema"
PTZ = "http://www.onvif.org/ver20/ptz/wsdl"
EVENTS = "http://www.onvif.org/ver10/events/wsdl"
NOTIFICATION = "http://docs.oasis-open.org/wsn/b-2"

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}" xmlns:tds="{DEVICE}" xmlns:trt="{MEDIA}" xmlns:tt="{SCHEMA}" xmlns:tptz="{PTZ}" xmlns:tev="{EVENTS}" xmlns:wsnt="{NOTIFICATION}" '
    'xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:tns1="http://www.onvif.org/ver10/topics" '
    'xmlns:ter="http://www.onvif.org/ver10/error">'
    "<SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>")

NOT_AUTHORIZED = (
    "<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode>"
    "<SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code>"
    '<SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">Sender not Authorized</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>')


class Ptz:
    """Where the camera looks: pan and tilt from -1 to 1, zoom from 0 to 1, moved at speeds until a stop or a timeout.

    Read by the picture's drawing (GStreamer's thread) and moved by ONVIF requests (the HTTP server's threads).
    """

    # Full speed (1) crosses the whole range (2) in this many seconds, as a slow camera would.
    SECONDS_ACROSS = 4.0
    PRESETS = {"preset_door": ("Door", (-0.6, 0.0, 0.0)), "preset_gate": ("Gate", (0.6, 0.3, 0.0))}

    def __init__(self):
        self.lock = threading.Lock()
        self.position = (0.0, 0.0, 0.0)
        self.velocity = (0.0, 0.0, 0.0)
        self.since = time.monotonic()
        self.until = None

    @staticmethod
    def _clamp(position):
        pan, tilt, zoom = position
        return max(-1.0, min(1.0, pan)), max(-1.0, min(1.0, tilt)), max(0.0, min(1.0, zoom))

    def _at(self, now):
        end = now if self.until is None else min(now, self.until)
        seconds = max(0.0, end - self.since)
        rate = 2.0 / self.SECONDS_ACROSS
        return self._clamp(tuple(p + v * rate * seconds for p, v in zip(self.position, self.velocity)))

    def now(self):
        with self.lock:
            return self._at(time.monotonic())

    def move(self, velocity, timeout):
        with self.lock:
            now = time.monotonic()
            self.position = self._at(now)
            self.velocity = velocity
            self.since = now
            self.until = now + timeout if timeout else None

    def stop(self):
        self.move((0.0, 0.0, 0.0), None)

    def go(self, position):
        with self.lock:
            self.position = self._clamp(position)
            self.velocity = (0.0, 0.0, 0.0)
            self.since = time.monotonic()
            self.until = None


def duration_seconds(text):
    """Seconds of an xs:duration such as PT2S or PT0.5S (minutes and hours too); None when absent or unreadable."""
    if not text or not text.startswith("PT"):
        return None
    seconds, number = 0.0, ""
    for char in text[2:]:
        if char.isdigit() or char == ".":
            number += char
            continue
        try:
            seconds += float(number) * {"H": 3600, "M": 60, "S": 1}[char]
        except (KeyError, ValueError):
            return None
        number = ""
    return seconds


class Subscriptions:
    """PullPoint subscriptions to the camera's motion (the scene's walks and person crossings): each reports whether
    something moves when it is first read, then every change, as a camera's cell motion detector does."""

    def __init__(self, moving):
        self.moving = moving  # now -> bool
        self.lock = threading.Lock()
        self.open = {}  # number -> [last state reported or None, expiry]
        self.next = 1

    def create(self, keep):
        with self.lock:
            number = self.next
            self.next += 1
            self.open[number] = [None, time.time() + keep]
            return number

    def renew(self, number, keep):
        with self.lock:
            if number not in self.open or self.open[number][1] < time.time():
                return False
            self.open[number][1] = time.time() + keep
            return True

    def remove(self, number):
        with self.lock:
            return self.open.pop(number, None) is not None

    def pull(self, number, wait):
        """The motion states to report (a list of (bool, initialized)), waiting up to wait seconds for a change;
        None when there is no such subscription (never made, ended or expired)."""
        deadline = time.time() + min(wait, 10)
        while True:
            with self.lock:
                entry = self.open.get(number)
                if entry is None or entry[1] < time.time():
                    self.open.pop(number, None)
                    return None
                now = self.moving(time.time())
                if entry[0] is None or entry[0] != now:
                    first = entry[0] is None
                    entry[0] = now
                    return [(now, first)]
            if time.time() >= deadline:
                return []
            time.sleep(0.05)


class Camera:
    """What the ONVIF services describe: the RTSP port and mounts, the login, and how far the clock is off."""

    def __init__(self, rtsp_port, main_size, sub_size, user, password, clock_offset, main_mount, sub_mount, ptz=None, motion=None):
        self.ptz = ptz
        self.events = Subscriptions(motion) if motion is not None else None
        self.rtsp_port = rtsp_port
        self.main_size = main_size
        self.sub_size = sub_size
        self.user = user
        self.password = password
        self.clock_offset = clock_offset
        self.main_mount = main_mount
        self.sub_mount = sub_mount

    def now(self):
        return time.time() + self.clock_offset

    def authorized(self, envelope):
        """Whether the request carries a valid password digest made within 10 s of this camera's clock."""
        if self.user is None:
            return True
        token = envelope.find(f".//{{{WSSE}}}UsernameToken")
        if token is None:
            return False
        user = token.findtext(f"{{{WSSE}}}Username", "")
        digest = token.findtext(f"{{{WSSE}}}Password", "")
        nonce = token.findtext(f"{{{WSSE}}}Nonce", "")
        created = token.findtext(f"{{{WSU}}}Created", "")
        try:
            made = datetime.datetime.strptime(created.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            nonce_bytes = base64.b64decode(nonce)
        except ValueError:
            return False
        if abs(made - self.now()) > 10:
            return False
        expected = base64.b64encode(hashlib.sha1(nonce_bytes + created.encode() + self.password.encode()).digest()).decode()
        return user == self.user and digest == expected


def answer(camera, envelope, host, path="/onvif/device_service"):
    """The SOAP body that answers a request's body, and the HTTP status."""
    body = envelope.find(f"{{{SOAP}}}Body")
    request = body[0] if body is not None and len(body) else None
    if request is None:
        return 400, "<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value></SOAP-ENV:Code></SOAP-ENV:Fault>"
    name = request.tag.split("}")[-1]
    if name == "GetSystemDateAndTime":
        now = datetime.datetime.fromtimestamp(camera.now(), datetime.timezone.utc)
        return 200, (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
            "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>"
            f"<tt:UTCDateTime><tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute><tt:Second>{now.second}</tt:Second></tt:Time>"
            f"<tt:Date><tt:Year>{now.year}</tt:Year><tt:Month>{now.month}</tt:Month><tt:Day>{now.day}</tt:Day></tt:Date></tt:UTCDateTime>"
            "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>")
    if not camera.authorized(envelope):
        return 400, NOT_AUTHORIZED
    service = f"http://{host}/onvif"
    if name == "SetSystemDateAndTime":
        # Set by hand to a UTC time: from now on the camera's clock runs from there.
        utc = request.find(f"{{{DEVICE}}}UTCDateTime")
        try:
            fields = {key: int(utc.findtext(f".//{{{SCHEMA}}}{key}")) for key in ("Year", "Month", "Day", "Hour", "Minute", "Second")}
            now = datetime.datetime(fields["Year"], fields["Month"], fields["Day"], fields["Hour"], fields["Minute"], fields["Second"],
                                    tzinfo=datetime.timezone.utc).timestamp()
        except (AttributeError, TypeError, ValueError):
            return 400, fault("Sender", "ter:InvalidArgVal", "Not a date and time")
        camera.clock_offset = now - time.time()
        return 200, "<tds:SetSystemDateAndTimeResponse/>"
    if name == "GetDeviceInformation":
        return 200, (
            "<tds:GetDeviceInformationResponse><tds:Manufacturer>Nightjar Test</tds:Manufacturer>"
            "<tds:Model>Fake Camera</tds:Model><tds:FirmwareVersion>1.0</tds:FirmwareVersion>"
            "<tds:SerialNumber>FAKE-0001</tds:SerialNumber><tds:HardwareId>fake</tds:HardwareId></tds:GetDeviceInformationResponse>")
    if name == "GetServices":
        return 200, (
            "<tds:GetServicesResponse>"
            f"<tds:Service><tds:Namespace>{DEVICE}</tds:Namespace><tds:XAddr>{service}/device_service</tds:XAddr>"
            "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
            f"<tds:Service><tds:Namespace>{MEDIA}</tds:Namespace><tds:XAddr>{service}/media_service</tds:XAddr>"
            "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
            + (f"<tds:Service><tds:Namespace>{PTZ}</tds:Namespace><tds:XAddr>{service}/ptz_service</tds:XAddr>"
               "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>" if camera.ptz else "")
            + (f"<tds:Service><tds:Namespace>{EVENTS}</tds:Namespace><tds:XAddr>{service}/event_service</tds:XAddr>"
               "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>" if camera.events else "")
            + "</tds:GetServicesResponse>")
    if name == "GetCapabilities":
        return 200, (
            "<tds:GetCapabilitiesResponse><tds:Capabilities>"
            f"<tt:Device><tt:XAddr>{service}/device_service</tt:XAddr></tt:Device>"
            f"<tt:Media><tt:XAddr>{service}/media_service</tt:XAddr></tt:Media>"
            + (f"<tt:PTZ><tt:XAddr>{service}/ptz_service</tt:XAddr></tt:PTZ>" if camera.ptz else "")
            + (f"<tt:Events><tt:XAddr>{service}/event_service</tt:XAddr></tt:Events>" if camera.events else "") +
            "</tds:Capabilities></tds:GetCapabilitiesResponse>")
    if name == "GetProfiles":
        profiles = ""
        for token, (width, height) in (("profile_main", camera.main_size), ("profile_sub", camera.sub_size)):
            profiles += (
                f'<trt:Profiles token="{token}" fixed="true"><tt:Name>{token[8:]}</tt:Name>'
                f'<tt:VideoEncoderConfiguration token="encoder_{token[8:]}"><tt:Name>{token[8:]}</tt:Name><tt:UseCount>1</tt:UseCount>'
                f"<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>{width}</tt:Width><tt:Height>{height}</tt:Height></tt:Resolution>"
                "<tt:Quality>4</tt:Quality></tt:VideoEncoderConfiguration>"
                + ('<tt:PTZConfiguration token="ptz"><tt:Name>ptz</tt:Name><tt:UseCount>2</tt:UseCount><tt:NodeToken>ptz_node</tt:NodeToken>'
                   "</tt:PTZConfiguration>" if camera.ptz else "")
                + "</trt:Profiles>")
        return 200, f"<trt:GetProfilesResponse>{profiles}</trt:GetProfilesResponse>"
    if name in ("GetStreamUri", "GetSnapshotUri"):
        token = request.findtext(f"{{{MEDIA}}}ProfileToken", "")
        if token not in ("profile_main", "profile_sub"):
            return 400, ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode>"
                         "<SOAP-ENV:Value>ter:InvalidArgVal</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NoProfile</SOAP-ENV:Value>"
                         "</SOAP-ENV:Subcode></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">"
                         "No such profile</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>")
        mount = camera.main_mount if token == "profile_main" else camera.sub_mount
        hostname = host.rsplit(":", 1)[0]
        uri = f"rtsp://{hostname}:{camera.rtsp_port}/{mount}" if name == "GetStreamUri" else f"http://{host}/snapshot/{mount}.jpg"
        return 200, (f"<trt:{name}Response><trt:MediaUri><tt:Uri>{uri}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
                     f"<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:{name}Response>")
    if camera.ptz and request.tag.startswith("{" + PTZ + "}"):
        return answer_ptz(camera.ptz, name, request)
    if camera.events and (request.tag.startswith("{" + EVENTS + "}") or request.tag.startswith("{" + NOTIFICATION + "}")):
        return answer_events(camera.events, name, request, service, path)
    return 400, ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Receiver</SOAP-ENV:Value><SOAP-ENV:Subcode>"
                 "<SOAP-ENV:Value>ter:ActionNotSupported</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code>"
                 f"<SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">{name} is not supported</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>")


def fault(code, subcode, text):
    return ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:" + code + "</SOAP-ENV:Value><SOAP-ENV:Subcode>"
            f"<SOAP-ENV:Value>{subcode}</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason>"
            f'<SOAP-ENV:Text xml:lang="en">{text}</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>')


def answer_events(events, name, request, service, path):
    """The event service: CreatePullPointSubscription, and PullMessages, Renew and Unsubscribe at a subscription's
    own address (/onvif/event_subscription/N), as Hikvision's PullSubManager addresses are."""
    if name == "CreatePullPointSubscription":
        keep = duration_seconds(request.findtext(f"{{{EVENTS}}}InitialTerminationTime", "")) or 60
        number = events.create(keep)
        now = datetime.datetime.now(datetime.timezone.utc)
        return 200, ("<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>"
                     f"<wsa:Address>{service}/event_subscription/{number}</wsa:Address></tev:SubscriptionReference>"
                     f"<wsnt:CurrentTime>{now:%Y-%m-%dT%H:%M:%SZ}</wsnt:CurrentTime>"
                     f"<wsnt:TerminationTime>{now + datetime.timedelta(seconds=keep):%Y-%m-%dT%H:%M:%SZ}</wsnt:TerminationTime>"
                     "</tev:CreatePullPointSubscriptionResponse>")
    prefix = "/onvif/event_subscription/"
    number = int(path[len(prefix):]) if path.startswith(prefix) and path[len(prefix):].isdigit() else 0
    unknown = fault("Sender", "wsrf-rw:ResourceUnknownFault", "No such subscription")
    if name == "PullMessages":
        wait = duration_seconds(request.findtext(f"{{{EVENTS}}}Timeout", "")) or 1
        states = events.pull(number, wait)
        if states is None:
            return 400, unknown
        now = datetime.datetime.now(datetime.timezone.utc)
        messages = "".join(
            "<wsnt:NotificationMessage><wsnt:Topic Dialect=\"http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet\">"
            "tns1:RuleEngine/CellMotionDetector/Motion</wsnt:Topic><wsnt:Message>"
            f'<tt:Message UtcTime="{now:%Y-%m-%dT%H:%M:%SZ}" PropertyOperation="{"Initialized" if first else "Changed"}">'
            '<tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" Value="video_source"/>'
            '<tt:SimpleItem Name="Rule" Value="MotionRule"/></tt:Source>'
            f'<tt:Data><tt:SimpleItem Name="IsMotion" Value="{"true" if moving else "false"}"/></tt:Data>'
            "</tt:Message></wsnt:Message></wsnt:NotificationMessage>"
            for moving, first in states)
        return 200, (f"<tev:PullMessagesResponse><tev:CurrentTime>{now:%Y-%m-%dT%H:%M:%SZ}</tev:CurrentTime>"
                     f"<tev:TerminationTime>{now:%Y-%m-%dT%H:%M:%SZ}</tev:TerminationTime>{messages}</tev:PullMessagesResponse>")
    if name == "Renew":
        keep = duration_seconds(request.findtext(f"{{{NOTIFICATION}}}TerminationTime", "")) or 60
        return (200, "<wsnt:RenewResponse/>") if events.renew(number, keep) else (400, unknown)
    if name == "Unsubscribe":
        return (200, "<wsnt:UnsubscribeResponse/>") if events.remove(number) else (400, unknown)
    return 400, fault("Receiver", "ter:ActionNotSupported", f"{name} is not supported")


def answer_ptz(ptz, name, request):
    """The PTZ service: ContinuousMove, Stop, GetPresets, GotoPreset and GetStatus, as a camera with one PTZ node."""
    if request.findtext(f"{{{PTZ}}}ProfileToken", "") not in ("profile_main", "profile_sub"):
        return 400, ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode>"
                     "<SOAP-ENV:Value>ter:InvalidArgVal</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NoProfile</SOAP-ENV:Value>"
                     "</SOAP-ENV:Subcode></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">"
                     "No such profile</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>")
    if name == "ContinuousMove":
        pan_tilt = request.find(f".//{{{SCHEMA}}}PanTilt")
        zoom = request.find(f".//{{{SCHEMA}}}Zoom")
        try:
            velocity = (float(pan_tilt.get("x", "0")) if pan_tilt is not None else 0.0,
                        float(pan_tilt.get("y", "0")) if pan_tilt is not None else 0.0,
                        float(zoom.get("x", "0")) if zoom is not None else 0.0)
        except ValueError:
            velocity = None
        if velocity is None or any(abs(v) > 1 for v in velocity):
            return 400, ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode>"
                         "<SOAP-ENV:Value>ter:InvalidArgVal</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason>"
                         "<SOAP-ENV:Text xml:lang=\"en\">Velocity out of range</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>")
        ptz.move(velocity, duration_seconds(request.findtext(f"{{{PTZ}}}Timeout", "")))
        return 200, "<tptz:ContinuousMoveResponse/>"
    if name == "Stop":
        ptz.stop()
        return 200, "<tptz:StopResponse/>"
    if name == "GetPresets":
        presets = "".join(
            f'<tptz:Preset token="{token}"><tt:Name>{label}</tt:Name><tt:PTZPosition>'
            f'<tt:PanTilt x="{pan}" y="{tilt}"/><tt:Zoom x="{zoom}"/></tt:PTZPosition></tptz:Preset>'
            for token, (label, (pan, tilt, zoom)) in Ptz.PRESETS.items())
        return 200, f"<tptz:GetPresetsResponse>{presets}</tptz:GetPresetsResponse>"
    if name == "GotoPreset":
        preset = Ptz.PRESETS.get(request.findtext(f"{{{PTZ}}}PresetToken", ""))
        if preset is None:
            return 400, ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode>"
                         "<SOAP-ENV:Value>ter:InvalidArgVal</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NoToken</SOAP-ENV:Value>"
                         "</SOAP-ENV:Subcode></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">"
                         "No such preset</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>")
        ptz.go(preset[1])
        return 200, "<tptz:GotoPresetResponse/>"
    if name == "GetStatus":
        pan, tilt, zoom = ptz.now()
        return 200, (f'<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="{pan:.3f}" y="{tilt:.3f}"/>'
                     f'<tt:Zoom x="{zoom:.3f}"/></tt:Position></tptz:PTZStatus></tptz:GetStatusResponse>')
    return 400, ("<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Receiver</SOAP-ENV:Value><SOAP-ENV:Subcode>"
                 "<SOAP-ENV:Value>ter:ActionNotSupported</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code>"
                 f"<SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">{name} is not supported</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>")


def serve(camera, address, port):
    """Starts the ONVIF services on address:port in a thread; returns the port they listen on."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            if length > 1_000_000:
                self.send_error(413)
                return
            text = self.rfile.read(length)
            if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
                status, body = 400, "<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value></SOAP-ENV:Code></SOAP-ENV:Fault>"
            else:
                try:
                    status, body = answer(camera, ElementTree.fromstring(text), self.headers.get("Host", f"{address}:{port}"), self.path)
                except ElementTree.ParseError:
                    status, body = 400, "<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value></SOAP-ENV:Code></SOAP-ENV:Fault>"
            data = ENVELOPE.format(body=body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer((address, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


DISCOVERY_GROUP = "239.255.255.250"
DISCOVERY_PORT = 3702
ENDPOINT = "urn:uuid:" + str(uuid.uuid4())


def probe_match(relates_to, address, onvif_port):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
        "<SOAP-ENV:Header><wsa:MessageID>uuid:" + str(uuid.uuid4()) + "</wsa:MessageID>"
        f"<wsa:RelatesTo>{relates_to}</wsa:RelatesTo>"
        "<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header>"
        "<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>"
        f"<wsa:EndpointReference><wsa:Address>{ENDPOINT}</wsa:Address></wsa:EndpointReference>"
        "<d:Types>dn:NetworkVideoTransmitter</d:Types>"
        "<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming "
        "onvif://www.onvif.org/name/Nightjar_Test onvif://www.onvif.org/hardware/Fake_Camera</d:Scopes>"
        f"<d:XAddrs>http://{address}:{onvif_port}/onvif/device_service</d:XAddrs>"
        "<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>")


def answer_discovery(address, onvif_port):
    """Answers WS-Discovery probes (multicast on address's network, or unicast to it) in a thread."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("", DISCOVERY_PORT))
    membership = socket.inet_aton(DISCOVERY_GROUP) + socket.inet_aton(address)
    listener.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)

    def run():
        while True:
            data, sender = listener.recvfrom(65536)
            try:
                envelope = ElementTree.fromstring(data)
            except ElementTree.ParseError:
                continue
            message_id = envelope.findtext(".//{http://schemas.xmlsoap.org/ws/2004/08/addressing}MessageID", "")
            types = envelope.findtext(".//{http://schemas.xmlsoap.org/ws/2005/04/discovery}Types", "")
            if envelope.find(".//{http://schemas.xmlsoap.org/ws/2005/04/discovery}Probe") is None:
                continue
            if types and "NetworkVideoTransmitter" not in types:
                continue
            listener.sendto(probe_match(message_id, address, onvif_port).encode(), sender)

    threading.Thread(target=run, daemon=True).start()
