package dev.duplex.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page (web.xml) for 401, 429 and 503: the problem Duplex wrote when it refused the request, or, when the
 * container refused it, a problem for the status. WildFly (Undertow) answers a sign-in the authentication
 * mechanism refused with {@code sendError}, which replaced the mechanism's problem with an HTML page; Payara sends
 * the mechanism's response as it is. Requested directly, it is not there (404).
 *
 * <p>Threading: stateless.
 */
@WebServlet(ProblemErrorPage.PATH)
public class ProblemErrorPage extends HttpServlet {

    static final String PATH = "/problem-error";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(status instanceof Integer code)) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Object written = request.getAttribute(Problem.ATTRIBUTE);
        if (written instanceof String json) {
            Problem.writeBody(response, json);
        } else if (code == 503) {
            Problem.writeBody(response, Problem.json(503, "unavailable", "Service Unavailable",
                    "The server cannot answer this now; try again in a moment.", ""));
        } else if (code == 429) {
            Problem.writeBody(response,
                    Problem.json(429, "rate_limited", "Too Many Requests", "Too many requests.", ""));
        } else {
            Problem.writeBody(response, Problem.json(code, "unauthorized", "Unauthorized", "Sign in first.", ""));
        }
    }
}
