// Lets the user paste the API bearer token; it is kept in localStorage.
import { useState, type FormEvent } from "react";
import { getToken, setToken } from "../api/client";

interface Props {
  onChange: (token: string) => void;
}

export function TokenField({ onChange }: Props) {
  const [value, setValue] = useState(getToken);

  function save(e: FormEvent) {
    e.preventDefault();
    setToken(value);
    onChange(value.trim());
  }

  return (
    <form className="token-field" onSubmit={save}>
      <label htmlFor="api-token">API token</label>
      <input
        id="api-token"
        name="token"
        type="password"
        autoComplete="off"
        placeholder="paste bearer token"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">Save</button>
    </form>
  );
}
