using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nightjar.Recorder.Onvif;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Onvif;

/// <summary>
/// The ONVIF client against a camera that answers badly or with hostile intent (a real HTTP server on loopback that
/// answers what each test says): every answer ends in a plain message within the client's bounds, never a hang, an
/// entity fetched, a redirect followed with the password, or a service reached on another host.
/// </summary>
public sealed class HostileOnvifAnswerTests : IAsyncLifetime
{
    private static string Envelope(string body) => $"""<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>{body}</s:Body></s:Envelope>""";
    private readonly List<string> requested = [];
    private WebApplication app = null!;
    private int port;

    /// <summary>What the camera answers: status, body, and an optional delay.</summary>
    private Func<HttpContext, Task> answer = _ => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(async context =>
        {
            lock (requested)
            {
                requested.Add(context.Request.Path);
            }

            await answer(context);
        });
        await app.StartAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private void Answer(string body, int status = 200) => answer = async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/soap+xml";
        await context.Response.WriteAsync(body);
    };

    private OnvifDevice Device(HttpClient http) =>
        new(new OnvifSoap(http, TimeProvider.System), new Uri($"http://127.0.0.1:{port}/onvif/device_service"), new OnvifCredentials("admin", "Secret-99"));

    [Fact]
    public async Task AnAnswerWithAnEntity_IsRefused_AndNothingIsFetched()
    {
        Answer($$"""
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY x SYSTEM "http://127.0.0.1:{{port}}/fetched-entity">]>
            <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><Manufacturer>&x;</Manufacturer></s:Body></s:Envelope>
            """);
        using var http = OnvifSoap.CreateHttpClient();

        var refused = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Assert.Contains("document type declaration", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/fetched-entity", requested);
    }

    [Fact]
    public async Task ADeeplyNestedAnswer_AndAHugeOne_AreRefusedInWords()
    {
        using var http = OnvifSoap.CreateHttpClient();
        Answer(Envelope(string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000))));
        var nested = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Answer(Envelope($"<Model>{new string('x', 3_000_000)}</Model>"));
        var huge = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Assert.Contains("nested more than", nested.Message, StringComparison.Ordinal);
        Assert.Contains("larger than 1 MB", huge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACameraThatNeverAnswers_CostsFiveSeconds()
    {
        answer = context => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        using var http = OnvifSoap.CreateHttpClient();

        var slow = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Assert.Contains("did not answer within 5 s", slow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACameraThatDropsAConnectionOnce_IsAskedAgain_ButOneThatAlwaysDoes_IsUnreachable()
    {
        var calls = 0;
        answer = async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Abort(); // closed without an answer, as a busy camera's web server does
                return;
            }

            context.Response.ContentType = "application/soap+xml";
            await context.Response.WriteAsync(Envelope("<GetDeviceInformationResponse><Manufacturer>Acme</Manufacturer><Model>Dome</Model></GetDeviceInformationResponse>"));
        };
        using var http = OnvifSoap.CreateHttpClient();

        Assert.Equal("Acme", (await Device(http).GetDeviceInformationAsync()).Manufacturer);
        Assert.Equal(2, calls);

        answer = context =>
        {
            Interlocked.Increment(ref calls);
            context.Abort();
            return Task.CompletedTask;
        };
        var dropped = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());
        Assert.Contains("could not be reached", dropped.Message, StringComparison.Ordinal);
        Assert.Equal(4, calls); // asked twice, not for ever
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed_WithThePassword()
    {
        answer = context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = $"http://127.0.0.1:{port}/elsewhere";
            return Task.CompletedTask;
        };
        using var http = OnvifSoap.CreateHttpClient();

        var refused = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Assert.Contains("redirect, which is not followed", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/elsewhere", requested);
    }

    [Fact]
    public async Task AServiceOnAnotherHost_IsReachedAtTheChosenHost_NeverThere()
    {
        Answer(Envelope("""
            <tds:GetServicesResponse xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
              <tds:Service><tds:Namespace>http://www.onvif.org/ver10/media/wsdl</tds:Namespace><tds:XAddr>http://10.66.0.9:8899/onvif/Media</tds:XAddr></tds:Service>
              <tds:Service><tds:Namespace>http://www.onvif.org/ver20/ptz/wsdl</tds:Namespace><tds:XAddr>http://127.0.0.1:81/onvif/PTZ</tds:XAddr></tds:Service>
            </tds:GetServicesResponse>
            """));
        using var http = OnvifSoap.CreateHttpClient();

        var services = await Device(http).GetServicesAsync();

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/onvif/Media"), services.Media); // the camera's inside address, not followed
        Assert.Equal(new Uri("http://127.0.0.1:81/onvif/PTZ"), services.Ptz); // the same host on another port is the same device
    }

    [Theory]
    [InlineData("""<SOAP-ENV:Fault xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">Sender not Authorized</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>""", true)]
    [InlineData("""<soap:Fault xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>soap:Client</faultcode><faultstring>Authority failure</faultstring></soap:Fault>""", true)]
    [InlineData("""<env:Fault xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>ter:ActionNotSupported</env:Value></env:Subcode></env:Code><env:Reason><env:Text>Optional Action Not Implemented</env:Text></env:Reason></env:Fault>""", false)]
    public async Task SoapFaults_InEitherSoapVersion_AreSaidPlainly(string fault, bool wrongCredentials)
    {
        Answer(Envelope(fault), (int)HttpStatusCode.BadRequest);
        using var http = OnvifSoap.CreateHttpClient();

        var refused = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Assert.Equal(wrongCredentials, refused.WrongCredentials);
        Assert.StartsWith("The camera ", refused.Message, StringComparison.Ordinal);
        if (!wrongCredentials)
        {
            Assert.Contains("Optional Action Not Implemented", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFloodOfEvents_IsReadOnlyUpToItsBound_AndOddItemsAreLeftOut()
    {
        var message = """
            <wsnt:NotificationMessage xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tt="http://www.onvif.org/ver10/schema">
            <wsnt:Topic>tns1:RuleEngine/CellMotionDetector/Motion</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-01-01T00:00:00Z">
            <tt:Data><tt:SimpleItem Name="IsMotion" Value="true"/><tt:SimpleItem Name="" Value="x"/><tt:SimpleItem Name="IsMotion2" Value="not-a-bool"/></tt:Data>
            </tt:Message></wsnt:Message></wsnt:NotificationMessage>
            """;
        Answer(Envelope($"<tev:PullMessagesResponse xmlns:tev=\"http://www.onvif.org/ver10/events/wsdl\">{string.Concat(Enumerable.Repeat(message, 500))}</tev:PullMessagesResponse>"));
        using var http = OnvifSoap.CreateHttpClient();

        var notifications = await Device(http).PullMessagesAsync(new Uri($"http://127.0.0.1:{port}/onvif/events/1"), TimeSpan.FromSeconds(1));

        Assert.Equal(OnvifDevice.MaxMessages, notifications.Count);
        Assert.All(notifications, n => Assert.True(n.Moving));
        Assert.All(notifications, n => Assert.Equal(["IsMotion", "IsMotion2"], n.Data.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task ASubscriptionOnAnotherHost_IsReadAtTheChosenHost_NeverThere()
    {
        Answer(Envelope("""
            <tev:CreatePullPointSubscriptionResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsa="http://www.w3.org/2005/08/addressing">
            <tev:SubscriptionReference><wsa:Address>http://203.0.113.9:8080/steal/subscription?x=1</wsa:Address></tev:SubscriptionReference>
            </tev:CreatePullPointSubscriptionResponse>
            """));
        using var http = OnvifSoap.CreateHttpClient();

        var subscription = await Device(http).CreatePullPointAsync(new OnvifServices(null, null, null, new Uri($"http://127.0.0.1:{port}/onvif/events")), TimeSpan.FromMinutes(1));

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/steal/subscription"), subscription);
    }

    [Fact]
    public async Task AnAnswerThatIsNoSoapEnvelope_IsSaidPlainly_AndOtherNamespaceVersionsAreStillRead()
    {
        using var http = OnvifSoap.CreateHttpClient();
        Answer("<html><body><form>Login</form></body></html>");
        var notSoap = await Assert.ThrowsAsync<OnvifException>(() => Device(http).GetDeviceInformationAsync());

        Answer("""
            <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>
            <d:GetDeviceInformationResponse xmlns:d="http://www.onvif.org/ver99/device/wsdl"><d:Manufacturer>Acme</d:Manufacturer>
            <d:Model>Cam 9</d:Model></d:GetDeviceInformationResponse></env:Body></env:Envelope>
            """);
        var info = await Device(http).GetDeviceInformationAsync();

        Assert.Equal("The camera's answer is not a SOAP envelope.", notSoap.Message);
        Assert.Equal(("Acme", "Cam 9"), (info.Manufacturer, info.Model));
    }
}
