// Hook over `callerIsAdmin()`: undefined while unknown (or signed out, when nothing is asked), then true or false.
import { useEffect, useState } from "react";
import { getToken } from "../api/client";
import { callerIsAdmin } from "../api/role";

export function useIsAdmin(): boolean | undefined {
  const [admin, setAdmin] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    if (!getToken()) return;
    let live = true;
    void callerIsAdmin().then((yes) => live && setAdmin(yes));
    return () => {
      live = false;
    };
  }, []);
  return admin;
}
