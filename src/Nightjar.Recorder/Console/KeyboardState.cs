namespace Nightjar.Recorder.Console;

/// <summary>
/// The on-screen keyboard of one console (one circuit): which field it types into, the text so far, and the
/// Shift and symbols state. Fields open it; the keyboard component draws it.
/// </summary>
public sealed class KeyboardState
{
    public event Action? Changed;

    public KeyboardField? Target { get; private set; }

    public string Text { get; private set; } = "";

    public bool Shift { get; private set; }

    public bool Symbols { get; private set; }

    public void Open(KeyboardField target)
    {
        Target = target;
        Text = target.CurrentValue;
        Shift = false;
        Symbols = false;
        Changed?.Invoke();
    }

    public void Close()
    {
        Target = null;
        Changed?.Invoke();
    }

    public void ToggleShift()
    {
        Shift = !Shift;
        Changed?.Invoke();
    }

    public void ToggleSymbols()
    {
        Symbols = !Symbols;
        Changed?.Invoke();
    }

    public async Task TypeAsync(string keys)
    {
        if (Target is null || Text.Length + keys.Length > Target.MaxLength)
        {
            return;
        }

        Text += keys;
        Shift = false; // One-shot, as on a phone: Shift then a letter gives one capital.
        await Target.SetValueAsync(Text);
        Changed?.Invoke();
    }

    public async Task BackspaceAsync()
    {
        if (Target is null || Text.Length == 0)
        {
            return;
        }

        // Remove a whole character, not half of a surrogate pair.
        var last = System.Globalization.StringInfo.ParseCombiningCharacters(Text)[^1];
        Text = Text[..last];
        await Target.SetValueAsync(Text);
        Changed?.Invoke();
    }

    /// <summary>A physical keyboard typed into the field the keyboard is open on: follow it.</summary>
    public void FieldChanged(KeyboardField field, string value)
    {
        if (ReferenceEquals(field, Target))
        {
            Text = value;
            Changed?.Invoke();
        }
    }

    /// <summary>A field going away closes the keyboard that types into it.</summary>
    public void Detach(KeyboardField field)
    {
        if (ReferenceEquals(field, Target))
        {
            Close();
        }
    }
}
